// trustfund: the 打印公示 (print for the notice board) button of a report. Without scripts the button is
// hidden and the browser's own print command prints the same sheet.
(function () {
  "use strict";
  document.querySelectorAll("button.tf-print").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
}());
