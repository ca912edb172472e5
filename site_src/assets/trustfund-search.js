// trustfund search: fetches a compound's per-year index only when someone searches,
// and writes results with textContent only, never as HTML.
(function () {
  "use strict";
  var form = document.querySelector("form.tf-search");
  if (!form) { return; }
  var results = document.querySelector("ol.tf-results");
  var years = (form.getAttribute("data-years") || "").split(",").filter(Boolean);
  var base = form.getAttribute("data-base") || "./";
  var loaded = null;

  function load() {
    if (loaded) { return loaded; }
    loaded = Promise.all(years.map(function (year) {
      return fetch(base + year + ".json").then(function (r) { return r.ok ? r.json() : []; });
    })).then(function (lists) { return [].concat.apply([], lists); });
    return loaded;
  }

  function localDate(iso) {
    var parts = iso.split("-");
    if ((document.documentElement.lang || "zh").indexOf("zh") === 0) {
      return Number(parts[0]) + "年" + Number(parts[1]) + "月" + Number(parts[2]) + "日";
    }
    var months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    return Number(parts[2]) + " " + months[Number(parts[1]) - 1] + " " + parts[0];
  }

  function show(rows, query) {
    while (results.firstChild) { results.removeChild(results.firstChild); }
    var needle = query.trim().toLowerCase();
    if (!needle) { return; }
    var shown = 0;
    rows.forEach(function (row) {
      if (shown >= 200) { return; }
      var text = (row[0] + " " + row[2] + " " + row[3]).toLowerCase();
      if (text.indexOf(needle) === -1) { return; }
      shown += 1;
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = row[5];
      a.textContent = row[0] + " · " + localDate(row[1]);
      li.appendChild(a);
      li.appendChild(document.createTextNode(" " + row[2] + " " + row[3] + " " + row[4]));
      results.appendChild(li);
    });
    if (shown === 0) {
      var none = document.createElement("li");
      none.textContent = "—";
      results.appendChild(none);
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var query = form.elements.q.value;
    load().then(function (rows) { show(rows, query); });
  });
})();
