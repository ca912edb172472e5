// trustfund: the 质询 / 报修 panel. Each item's button sits in the item's row, whose id is its voucher (a
// panel's own data-voucher otherwise); one panel per page is filled
// with it (textContent and URL-encoded links only, never HTML) and opened. Without scripts the button
// still leads to the panel (#ask), whose contacts and links work without a voucher filled in.
(function () {
  "use strict";
  var panel = document.getElementById("ask");
  if (!panel) { return; }
  var voucherText = panel.querySelector("[data-ask-voucher]");
  var voucherRow = panel.querySelector(".tf-ask-voucher");
  var closeButton = panel.querySelector(".tf-ask-close");

  function fill(voucher) {
    if (voucherText) { voucherText.textContent = voucher || "—"; }
    if (voucherRow) { voucherRow.hidden = !voucher; }
    panel.querySelectorAll("a[data-mailto]").forEach(function (link) {
      var subject = link.getAttribute("data-subject") + (voucher ? " " + voucher : "");
      var body = link.getAttribute("data-body").replace("{voucher}", voucher || "");
      link.href = "mailto:" + link.getAttribute("data-mailto") + "?subject=" + encodeURIComponent(subject) +
        "&body=" + encodeURIComponent(body);
    });
    panel.querySelectorAll("a[data-github]").forEach(function (link) {
      var url = link.getAttribute("data-github");
      link.href = voucher ? url + "&voucher=" + encodeURIComponent(voucher) +
        "&title=" + encodeURIComponent(link.getAttribute("data-title") + " " + voucher) : url;
    });
  }

  function open(event) {
    var button = event.currentTarget;
    event.preventDefault();
    var row = button.closest("tbody[id]");
    fill(row ? row.id : "");
    panel.classList.add("open");
    panel.setAttribute("aria-hidden", "false");
    panel.focus();
  }

  // Only the buttons that lead to the panel: a button-styled link elsewhere (the dashboard's 质询与工单) navigates.
  document.querySelectorAll("a.tf-ask-button[href='#ask']").forEach(function (button) {
    button.addEventListener("click", open);
  });
  if (closeButton) {
    closeButton.addEventListener("click", function (event) {
      event.preventDefault();
      panel.classList.remove("open");
      panel.setAttribute("aria-hidden", "true");
    });
  }
  fill(panel.getAttribute("data-voucher") || "");
}());
