// trustfund: a month too big for one page is split into pages (…/2025/03/, …/2025/03/2/, …). A link to an
// item or a category names the month's folder and an anchor (…/2025/03/#2025-0042, as the search results,
// the feed, the bills and owners' saved links write it); when that anchor is on another page of the month,
// this goes there, by the month's map (pages.json: each voucher's and category's page, written by the build).
// It only reads the map's page numbers and the month's own page links (./ or 2/), never builds HTML.
(function () {
  "use strict";
  var pager = document.querySelector("nav[data-tf-pages]");
  if (!pager || !window.fetch) { return; }
  var mapUrl = new URL(pager.getAttribute("data-tf-pages"), window.location.href);
  var current = Number(pager.getAttribute("data-tf-page"));
  var map = null;

  function anchor() {
    try {
      return decodeURIComponent(window.location.hash.slice(1));
    } catch (error) {
      return "";
    }
  }

  function follow() {
    var name = anchor();
    if (!name || document.getElementById(name) || !map || !map.at) { return; }
    var page = map.at[name];
    if (typeof page !== "number" || page === current || !Array.isArray(map.pages)) { return; }
    var link = map.pages[page];
    if (typeof link !== "string" || !/^(\.\/|[0-9]+\/)$/.test(link)) { return; }
    window.location.replace(new URL(link, mapUrl).href + window.location.hash);
  }

  function load() {
    var name = anchor();
    if (!name || document.getElementById(name)) { return; }
    if (map) { follow(); return; }
    window.fetch(mapUrl.href, {credentials: "same-origin"}).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (found) {
      map = found;
      follow();
    }).catch(function () { map = null; });
  }

  window.addEventListener("hashchange", load);
  load();
}());
