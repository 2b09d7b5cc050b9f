// Back from Stripe, the card accepted: the page asks again until the bank's answer is in
// (data-reload-after, milliseconds, on the waiting notice).
(function () {
  var waiting = document.querySelector("[data-reload-after]");
  if (!waiting) return;
  setTimeout(function () { window.location.replace(window.location.pathname); },
             parseInt(waiting.dataset.reloadAfter, 10));
})();
