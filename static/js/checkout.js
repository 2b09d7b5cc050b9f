// The checkout page (web/checkout.html), which works without this script:
// - a refused form's summary has the focus (its autofocus; here for a browser that skips it);
// - "Tout récupérer en un passage" ticks the window's slots in place (no reload, scroll and
//   what was typed kept), and is offered only while the slots chosen differ from the
//   window's. data-slots: {field name: slot}; data-chosen: what a screen reader is told.
(function () {
  var summary = document.querySelector("[data-testid=error-summary]");
  if (summary && document.activeElement !== summary) summary.focus();

  var box = document.querySelector("[data-testid=common-window]");
  if (!box) return;
  var form = box.closest("form"), slots = JSON.parse(box.dataset.slots);
  var offer = box.querySelector("[data-testid=window-offer]");
  var already = box.querySelector("[data-testid=window-already]");
  var button = box.querySelector("[data-testid=use-window]");
  var said = box.querySelector("[data-testid=window-chosen]");
  function radio(name) {
    return form.querySelector('input[name="' + name + '"][value="' + slots[name] + '"]');
  }
  function chosen() {
    return Object.keys(slots).every(function (name) { var r = radio(name); return r && r.checked; });
  }
  function show() {
    var same = chosen();
    offer.hidden = same;
    already.hidden = !same;
  }
  form.addEventListener("change", function (event) {
    if (event.target.dataset.testid === "slot-radio") show();
  });
  button.addEventListener("click", function (event) {
    var names = Object.keys(slots);
    if (!names.every(radio)) return;  // not on the page: let the server do it
    event.preventDefault();
    names.forEach(function (name) {
      var chosenRadio = radio(name), day = chosenRadio.closest("[data-tab]");
      chosenRadio.checked = true;
      if (day) document.getElementById(day.dataset.tab).checked = true;  // its day shown
    });
    show();
    already.focus();  // the button is gone: the focus goes to what replaced it
    said.textContent = button.dataset.chosen;
  });
})();
