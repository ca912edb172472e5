// trustfund search: fetches a compound's per-year index only when someone searches (from this site,
// never another host), and writes everything from the books and the query with textContent, never as HTML.
//
// An index (generator/site/pages.py, search_index) holds what the month pages show of each item:
//   {"year": 2026, "categories": [[name], [name, parent], ...],
//    "months": [{"month": 3, "link": "../2026/03/", "items": [[voucher, day, payee, description,
//                                                             [[category, cents(, currency)], ...]]]}]}
// Each word of the query must match an item: as text in its voucher, date, payee, description or a
// category (or a parent category) of its legs; or, when the word is an amount (15000, 15,000, 15000.00,
// ¥15000, 15000元, 1.5万), as a leg's amount whatever its sign — to the cent when cents are given, else
// to the yuan (15000 finds 15,000.00 to 15,000.99).
(function () {
  "use strict";
  var form = document.querySelector("form.tf-search");
  if (!form) { return; }
  var results = document.querySelector("ol.tf-results");
  var status = document.querySelector(".tf-search-status");
  var years = (form.getAttribute("data-years") || "").split(",").filter(Boolean);
  var base = form.getAttribute("data-base") || "./";
  // The indexes' folder: their month links are relative to it (an English search page uses the Chinese site's).
  var folder = new URL(base, document.baseURI);
  var chinese = (document.documentElement.lang || "zh").indexOf("zh") === 0;
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var LIMIT = 100;  // results written to the page; the count says how many there are
  var loaded = null;

  function word(name) { return status.getAttribute("data-" + name) || ""; }

  function localDate(year, month, day) {
    return chinese ? year + "年" + month + "月" + day + "日" : day + " " + MONTHS[month - 1] + " " + year;
  }

  function money(cents) {
    var whole = String(Math.floor(Math.abs(cents) / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    var fraction = String(Math.abs(cents) % 100);
    return (cents < 0 ? "\u2212" : "") + whole + "." + (fraction.length < 2 ? "0" + fraction : fraction);
  }

  function fold(text) { return String(text).normalize("NFKC").toLowerCase(); }

  // Every item of one year's index, newest first, with the text it is found by.
  function entries(index) {
    var categories = index.categories.map(function (category) {
      return {name: String(category[0]), parent: category.length > 1 ? category[1] : null};
    });
    function path(number) {  // the category with its parents, outermost first
      var names = [];
      for (var at = number; at !== null && categories[at] && names.length < 8; at = categories[at].parent) {
        names.unshift(categories[at].name);
      }
      return names;
    }
    var list = [];
    index.months.forEach(function (month) {
      month.items.forEach(function (row) {
        var date = localDate(index.year, month.month, row[1]);
        var legs = row[4].map(function (leg) {
          return {category: path(leg[0]), cents: leg[1], currency: leg.length > 2 ? String(leg[2]) : ""};
        });
        var text = [row[0], date, row[2], row[3]].concat(legs.map(function (leg) { return leg.category.join(" "); }));
        list.push({voucher: String(row[0]), date: date, payee: String(row[2]), description: String(row[3]),
                   legs: legs, link: new URL(month.link, folder).href + "#" + encodeURIComponent(String(row[0])),
                   text: fold(text.join("\n"))});
      });
    });
    return list.reverse();
  }

  function load() {
    if (loaded) { return loaded; }
    loaded = Promise.all(years.map(function (year) {
      return fetch(base + year + ".json", {credentials: "same-origin"}).then(function (response) {
        if (!response.ok) { throw new Error(response.status + " " + response.url); }
        return response.json();
      }).then(entries);
    })).then(function (lists) { return [].concat.apply([], lists); });
    loaded.catch(function () { loaded = null; });  // a later search tries again
    return loaded;
  }

  // The cents a word names, as a range [from, to], or null when it is not an amount.
  function amount(term) {
    var text = term.replace(/[,¥元]/g, "").replace(/^[+\-\u2212]/, "");
    var wan = text.charAt(text.length - 1) === "万";
    if (wan) { text = text.slice(0, -1); }
    var parts = /^(\d{1,12})(?:\.(\d{1,8}))?$/.exec(text);
    if (!parts) { return null; }
    var fraction = parts[2] || "";
    var shift = wan ? 6 : 2;  // decimal places from yuan (or 万) to cents
    if (fraction.length > shift) {
      if (/[^0]/.test(fraction.slice(shift))) { return null; }  // finer than a cent
      fraction = fraction.slice(0, shift);
    }
    var digits = parts[1] + fraction;
    var cents = Number(digits) * Math.pow(10, shift - fraction.length);
    if (!(cents <= Number.MAX_SAFE_INTEGER)) { return null; }
    var exact = wan ? /[^0]/.test((digits + "000000").slice(parts[1].length + 4, parts[1].length + 6))
                    : parts[2] !== undefined;
    return [cents, exact ? cents : cents + 99];
  }

  function matcher(query) {
    var terms = fold(query).split(/\s+/).filter(Boolean).map(function (term) {
      return {text: term, amount: amount(term)};
    });
    return function (entry) {
      return terms.every(function (term) {
        if (entry.text.indexOf(term.text) !== -1) { return true; }
        var range = term.amount;
        return range !== null && entry.legs.some(function (leg) {
          var cents = Math.abs(leg.cents);
          return cents >= range[0] && cents <= range[1];
        });
      });
    };
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  // A sentence from the page's words with the query (in bold) and numbers put in, as text nodes.
  function sentence(template, values) {
    var p = element("p");
    template.split(/(\{query\}|\{count\}|\{shown\})/).forEach(function (part) {
      if (part === "{query}") {
        p.appendChild(element("b", "", values.query));
      } else if (part === "{count}" || part === "{shown}") {
        p.appendChild(document.createTextNode(String(values[part.slice(1, -1)])));
      } else if (part) {
        p.appendChild(document.createTextNode(part));
      }
    });
    return p;
  }

  function clear(node) {
    while (node.firstChild) { node.removeChild(node.firstChild); }
  }

  function result(entry) {
    var li = element("li");
    var a = element("a", "tf-hit");
    a.href = entry.link;
    var head = element("span", "tf-hit-head");
    head.appendChild(element("span", "tf-hit-voucher", entry.voucher));
    head.appendChild(document.createTextNode(" · " + entry.date));
    a.appendChild(head);
    var what = element("span", "tf-hit-what");
    if (entry.payee) { what.appendChild(element("b", "", entry.payee)); }
    if (entry.payee && entry.description) { what.appendChild(document.createTextNode(" ")); }
    if (entry.description) { what.appendChild(document.createTextNode(entry.description)); }
    a.appendChild(what);
    entry.legs.forEach(function (leg) {
      var row = element("span", "tf-hit-leg");
      row.appendChild(element("span", "tf-hit-category", leg.category.join(" › ")));
      row.appendChild(element("span", "num" + (leg.cents < 0 ? " neg" : ""),
                              money(leg.cents) + (leg.currency ? " " + leg.currency : "")));
      a.appendChild(row);
    });
    li.appendChild(a);
    return li;
  }

  function show(all, query) {
    clear(results);
    clear(status);
    if (!query) { return; }
    var found = all.filter(matcher(query));
    if (found.length === 0) {
      status.appendChild(sentence(word("none"), {query: query}));
      status.appendChild(element("p", "", word("scope")));
      return;
    }
    status.appendChild(sentence(word(found.length === 1 ? "found-one" : "found"),
                                {query: query, count: found.length}));
    if (found.length > LIMIT) { status.appendChild(sentence(word("more"), {shown: LIMIT})); }
    found.slice(0, LIMIT).forEach(function (entry) { results.appendChild(result(entry)); });
  }

  function search(query) {
    query = query.trim().slice(0, 100);
    clear(results);
    clear(status);
    if (!query) { return; }
    status.appendChild(element("p", "", word("busy")));
    load().then(function (all) { show(all, query); }, function () {
      clear(status);
      status.appendChild(element("p", "", word("failed")));
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var query = form.elements.q.value;
    // Kept in the address, so the back button (or a shared link) brings the same results again.
    var address = new URL(window.location.href);
    if (query.trim()) { address.searchParams.set("q", query.trim()); } else { address.searchParams.delete("q"); }
    window.history.replaceState(null, "", address.pathname + address.search);
    search(query);
  });

  var asked = new URL(window.location.href).searchParams.get("q");
  if (asked) {
    form.elements.q.value = asked.slice(0, 100);
    search(asked);
  }
})();
