// The tracking page's opt-in to Web Push: shown only where the browser can subscribe; the
// subscription (endpoint and keys) is sent to the site, which sends "votre commande est
// prête" to it instead of an SMS.
(function () {
  "use strict";
  var form = document.querySelector("[data-testid=push-optin]");
  if (!form || !("serviceWorker" in navigator) || !("PushManager" in window) ||
      !("Notification" in window) || Notification.permission === "denied") { return; }
  var status = form.querySelector("[data-testid=push-optin-status]");
  var button = form.querySelector("button");
  form.hidden = false;

  function key(base64url) {
    var text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/"));
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) { bytes[i] = text.charCodeAt(i); }
    return bytes;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    navigator.serviceWorker.ready.then(function (registration) {
      return registration.pushManager.subscribe({
        userVisibleOnly: true, applicationServerKey: key(form.dataset.pushKey)});
    }).then(function (subscription) {
      form.elements.subscription.value = JSON.stringify(subscription.toJSON());
      return fetch(form.action, {method: "POST", body: new FormData(form),
                                 credentials: "same-origin",
                                 headers: {"Accept": "application/json"}});
    }).then(function (response) { return response.json(); }).then(function (answer) {
      status.textContent = answer.message;
      button.hidden = answer.ok;
    }).catch(function () {
      status.textContent = form.dataset.refused || "";
    }).then(function () { button.disabled = false; });
  });
})();
