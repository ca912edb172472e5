// trustfund search: fetches a compound's index only when someone searches, and only the pieces a query needs
// (from this site, never another host); writes everything from the books and the query with textContent,
// never as HTML. The index is written by generator/site/search.py and pages.py (search_index):
//   terms-<n>.json  {"t": {piece: months}, "d": {digits: months}, "a": {yuan: months}} — for each piece of
//                   text (one to three characters), run of four digits, or amount in whole yuan,
//                   the months that hold it: two base-36 digits a month, counted from January of data-first;
//                   a key is in shard FNV-1a(kind + key) % data-shards.
//   YYYY-MM.json    {"year", "month", "link": "../2026/03/", "categories": [[name], [name, parent], ...],
//                   "texts": [...], "items": [[voucher or step from the previous voucher, day, payee, description
//                   (numbers in texts), [[category, cents(, currency)], ...]], ...]}
// The page lists the months, newest first, with their sizes (data-months "2026-03:51234 ...").
//
// Each word of the query must match an item: as text in its voucher, date, payee, description or a
// category (or a parent category) of its legs; or, when the word is an amount (15000, 15,000, 15000.00,
// ¥15000, 15000元, 1.5万), as a leg's amount whatever its sign — to the cent when cents are given, else
// to the yuan (15000 finds 15,000.00 to 15,000.99). The term shards narrow the months to those that can
// hold every word; the words are then matched on the records themselves, newest month first, a page of
// results at a time.
(function () {
  "use strict";
  var form = document.querySelector("form.tf-search");
  if (!form) { return; }
  var results = document.querySelector("ol.tf-results");
  var status = document.querySelector(".tf-search-status");
  var earlier = document.querySelector(".tf-search-earlier");
  var earlierButton = earlier.querySelector("button");
  var base = form.getAttribute("data-base") || "./";
  var first = Number(form.getAttribute("data-first")) || 0;
  var shards = Number(form.getAttribute("data-shards")) || 0;
  var sizes = {};
  var months = (form.getAttribute("data-months") || "").split(" ").filter(Boolean).map(function (month) {
    var parts = month.split(":");
    sizes[parts[0]] = Number(parts[1]) || 0;
    return parts[0];
  });
  // The index's folder: its month links are relative to it (an English search page uses the Chinese site's).
  var folder = new URL(base, document.baseURI);
  var chinese = (document.documentElement.lang || "zh").indexOf("zh") === 0;
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var PAGE = 50;  // results added to the page at a time
  // Bytes of records read for one page of results before the reader is asked (about 80 KB compressed).
  var BUDGET = 300000;
  var files = {};
  var current = null;

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

  function get(name) {
    if (!files[name]) {
      files[name] = fetch(base + name, {credentials: "same-origin"}).then(function (response) {
        if (!response.ok) { throw new Error(response.status + " " + response.url); }
        return response.json();
      });
      files[name].catch(function () { delete files[name]; });  // a later search tries again
    }
    return files[name];
  }

  function shardOf(kind, key) {  // 32-bit FNV-1a over code points, as search.py shard_of
    var hash = 0x811c9dc5;
    for (var character of kind + key) { hash = Math.imul(hash ^ character.codePointAt(0), 0x01000193) >>> 0; }
    return hash % shards;
  }

  function monthName(ordinal) {
    var year = first + Math.floor(ordinal / 12), month = ordinal % 12 + 1;
    return year + "-" + (month < 10 ? "0" : "") + month;
  }

  function monthsOf(posting) {
    var set = {};
    for (var at = 0; at + 1 < String(posting || "").length; at += 2) {
      set[monthName(parseInt(posting.substr(at, 2), 36))] = true;
    }
    return set;
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

  function words(query) {
    return fold(query).split(/\s+/).filter(Boolean).map(function (term) {
      return {text: term, amount: amount(term)};
    });
  }

  // Up to ``most`` runs of ``size`` characters of a text (at least that long), spread from its start to its end.
  function spread(text, size, most) {
    var characters = Array.from(text);
    var count = characters.length - size + 1, taken = Math.min(count, most), runs = [];
    for (var i = 0; i < taken; i += 1) {
      var at = taken === 1 ? 0 : Math.round(i * (count - 1) / (taken - 1));
      runs.push(characters.slice(at, at + size).join(""));
    }
    return runs;
  }

  // The keys a word is looked up by: its text pieces (the word itself when short, else up to eight of its
  // three-character pieces) and up to four four-digit runs of each of its numbers; its amount in whole yuan.
  function keys(term) {
    var text = Array.from(term.text).length <= 3 ? [term.text] : spread(term.text, 3, 8);
    var digits = [];
    (term.text.match(/[0-9]{4,}/g) || []).forEach(function (run) { digits = digits.concat(spread(run, 4, 4)); });
    var yuans = [];
    if (term.amount) {
      for (var yuan = Math.floor(term.amount[0] / 100); yuan <= Math.floor(term.amount[1] / 100); yuan += 1) {
        yuans.push(String(yuan));
      }
    }
    return {t: text, d: digits, a: yuans};
  }

  // The months, newest first, that can hold every word of the query.
  function plan(terms) {
    if (!shards) { return Promise.resolve([]); }
    var wanted = terms.map(keys);
    var needed = {};
    wanted.forEach(function (key) {
      ["t", "d", "a"].forEach(function (kind) {
        key[kind].forEach(function (value) { needed[shardOf(kind, value)] = true; });
      });
    });
    var numbers = Object.keys(needed);
    return Promise.all(numbers.map(function (number) { return get("terms-" + number + ".json"); }))
      .then(function (loaded) {
        var shard = {};
        numbers.forEach(function (number, at) { shard[number] = loaded[at] || {}; });
        function lookup(kind, value) {
          var table = shard[shardOf(kind, value)][kind] || {};
          return monthsOf(Object.prototype.hasOwnProperty.call(table, value) ? table[value] : "");
        }
        var sets = wanted.map(function (key) {
          var pieces = key.t.map(function (value) { return lookup("t", value); })
            .concat(key.d.map(function (value) { return lookup("d", value); }));
          var amounts = key.a.map(function (value) { return lookup("a", value); });
          return function (month) {
            return pieces.every(function (set) { return set[month] === true; }) ||
                   amounts.some(function (set) { return set[month] === true; });
          };
        });
        return months.filter(function (month) { return sets.every(function (holds) { return holds(month); }); });
      });
  }

  function nextVoucher(previous, step) {
    var tail = /^([\s\S]*?)([0-9]{1,15})$/.exec(previous);
    return tail ? tail[1] + String(Number(tail[2]) + step).padStart(tail[2].length, "0") : String(step);
  }

  // Every item of one month's records, newest first, with the text it is found by.
  function entries(records) {
    var categories = (records.categories || []).map(function (category) {
      return {name: String(category[0]), parent: category.length > 1 ? category[1] : null};
    });
    var texts = records.texts || [];
    function path(number) {  // the category with its parents, outermost first
      var names = [];
      for (var at = number; at !== null && categories[at] && names.length < 8; at = categories[at].parent) {
        names.unshift(categories[at].name);
      }
      return names;
    }
    function text(number) { return texts[number] === undefined ? "" : String(texts[number]); }
    var link = new URL(records.link, folder).href + "#";
    var list = [];
    var previous = "";
    records.items.forEach(function (row) {
      var voucher = typeof row[0] === "number" ? nextVoucher(previous, row[0]) : String(row[0]);
      previous = voucher;
      var date = localDate(records.year, records.month, row[1]);
      var legs = row[4].map(function (leg) {
        return {category: path(leg[0]), cents: leg[1], currency: leg.length > 2 ? String(leg[2]) : ""};
      });
      var payee = text(row[2]), description = text(row[3]);
      var found = [voucher, date, payee, description].concat(legs.map(function (leg) { return leg.category.join(" "); }));
      list.push({voucher: voucher, date: date, payee: payee, description: description, legs: legs,
                 link: link + encodeURIComponent(voucher), text: fold(found.join("\n"))});
    });
    return list.reverse();
  }

  function matcher(terms) {
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
    template.split(/(\{query\}|\{count\})/).forEach(function (part) {
      if (part === "{query}") {
        p.appendChild(element("b", "", values.query));
      } else if (part === "{count}") {
        p.appendChild(document.createTextNode(String(values.count)));
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

  function show(state) {
    if (state !== current) { return; }
    clear(status);
    var done = state.remaining.length === 0;
    if (done && state.found.length === 0) {
      status.appendChild(sentence(word("none"), {query: state.query}));
      status.appendChild(element("p", "", word("scope")));
    } else {
      var said = !done ? "so-far" : state.found.length === 1 ? "found-one" : "found";
      status.appendChild(sentence(word(said), {query: state.query, count: state.found.length}));
    }
    var upto = Math.min(state.found.length, state.shown + PAGE);
    state.found.slice(state.shown, upto).forEach(function (entry) { results.appendChild(result(entry)); });
    state.shown = upto;
    earlier.hidden = done && state.found.length <= state.shown;
    earlierButton.disabled = false;
  }

  // Reads the next months until a page of results is found, the months run out, or the budget is spent.
  function more(state) {
    var wanted = state.shown + PAGE;
    var spent = 0;
    function step() {
      if (state !== current) { return null; }
      var next = state.remaining[0];
      if (state.found.length >= wanted || next === undefined || (spent > 0 && spent + sizes[next] > BUDGET)) {
        show(state);
        return null;
      }
      spent += sizes[next] || 0;
      return get(next + ".json").then(function (records) {
        if (state.remaining[0] === next) {
          state.remaining.shift();
          entries(records).forEach(function (entry) { if (state.match(entry)) { state.found.push(entry); } });
        }
        return step();
      });
    }
    return Promise.resolve().then(step).catch(function () {
      if (state !== current) { return; }
      clear(status);
      status.appendChild(element("p", "", word("failed")));
      earlierButton.disabled = false;
    });
  }

  function search(query) {
    query = query.trim().slice(0, 100);
    clear(results);
    clear(status);
    earlier.hidden = true;
    current = null;
    if (!query) { return; }
    var terms = words(query);
    var state = current = {query: query, match: matcher(terms), remaining: null, found: [], shown: 0};
    status.appendChild(element("p", "", word("busy")));
    plan(terms).then(function (planned) {
      state.remaining = planned;
      return more(state);
    }, function () {
      if (state !== current) { return; }
      clear(status);
      status.appendChild(element("p", "", word("failed")));
    });
  }

  earlierButton.addEventListener("click", function () {
    if (!current || current.remaining === null) { return; }
    earlierButton.disabled = true;
    more(current);
  });

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
