// Banx view beacon. It asks for a view token for the article on this page,
// waits the dwell time (data-view-dwell-ms on <main>, or the token's own, the
// longer of the two) while the page is visible, then posts the token once. It
// sends nothing else: no cookie is read, no fingerprint is taken.
(function () {
  "use strict";
  var main = document.querySelector("main[data-article-id]");
  if (!main || !window.fetch) {
    return;
  }
  var id = main.getAttribute("data-article-id");
  var dwell = parseInt(main.getAttribute("data-view-dwell-ms"), 10) || 0;
  fetch("/api/v1/articles/" + encodeURIComponent(id) + "/view-token", {credentials: "same-origin", cache: "no-store"})
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (tok) {
      if (!tok || !tok.token) {
        return;
      }
      var wait = Math.max(dwell, tok.dwell_ms || 0) + 250;
      var visibleFor = 0;
      var last = Date.now();
      var sent = false;
      function tick() {
        var now = Date.now();
        if (document.visibilityState === "visible") {
          visibleFor += now - last;
        }
        last = now;
        if (visibleFor >= wait) {
          send();
        } else {
          setTimeout(tick, Math.min(1000, wait - visibleFor + 10));
        }
      }
      function send() {
        if (sent) {
          return;
        }
        sent = true;
        var body = JSON.stringify({token: tok.token, webdriver: navigator.webdriver === true});
        var url = tok.beacon_url || "/api/v1/views";
        if (navigator.sendBeacon && navigator.sendBeacon(url, body)) {
          main.setAttribute("data-view-sent", "beacon");
          return;
        }
        fetch(url, {method: "POST", body: body, credentials: "same-origin", keepalive: true,
          headers: {"Content-Type": "text/plain"}}).then(function () {
          main.setAttribute("data-view-sent", "fetch");
        });
      }
      setTimeout(tick, Math.min(1000, wait));
    })
    .catch(function () {});
}());
