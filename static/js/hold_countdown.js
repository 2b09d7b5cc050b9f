// The hold's time left on a payment page (web/_hold_countdown.html). The server checks the
// hold again when the payment is made: this is only a display.
(function () {
  var box = document.querySelector("[data-countdown]");
  if (!box) return;
  var shown = box.querySelector("strong");
  var say = document.querySelector("[data-testid=hold-announce]");
  var end = Date.now() + parseInt(box.dataset.countdown, 10) * 1000, before = Infinity;
  function pad(n) { return String(n).padStart(2, "0"); }
  function tick() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    shown.textContent = pad(Math.floor(left / 60)) + ":" + pad(left % 60);
    [300, 60, 0].forEach(function (at) {
      if (before !== Infinity && before > at && left <= at) say.textContent = say.getAttribute("data-say-" + at);
    });
    before = left;
    if (left > 0) setTimeout(tick, 1000);
  }
  box.hidden = false;
  tick();
})();
