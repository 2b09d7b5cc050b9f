// The installable web app: its service worker (the offline page, the static files; see
// templates/pwa/sw.js), registered once the page is loaded. Without it the site is the same.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!("serviceWorker" in navigator) || !script) { return; }
  var url = script.dataset.sw;
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(url, {scope: "/"}).catch(function () {});
  });
})();
