// Banx page behaviour that needs script: the "Copy link" share button. Every
// other feature of the site works without JavaScript.
(function () {
  "use strict";
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest ? ev.target.closest("[data-copy]") : null;
    if (!btn || !navigator.clipboard) {
      return;
    }
    ev.preventDefault();
    navigator.clipboard.writeText(btn.getAttribute("data-copy")).then(function () {
      var status = document.getElementById("copy-status");
      if (status) {
        status.textContent = "Link copied.";
      }
    });
  });
}());
