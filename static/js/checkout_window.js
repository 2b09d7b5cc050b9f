// "Tout récupérer en un passage": with JS the button ticks the slots in place (no reload,
// scroll kept); without it, the form goes to the server, which sends the same page back
// with them chosen. data-slots: {field name: slot}; data-chosen: what a screen reader says.
(function () {
  var button = document.querySelector("[data-testid=use-window]");
  if (!button) return;
  button.addEventListener("click", function (event) {
    var slots = JSON.parse(button.dataset.slots), name;
    for (name in slots) {
      var radio = button.form.querySelector('input[name="' + name + '"][value="' + slots[name] + '"]');
      if (!radio) return;  // not on the page: let the server do it
    }
    event.preventDefault();
    for (name in slots) {
      var chosen = button.form.querySelector('input[name="' + name + '"][value="' + slots[name] + '"]');
      chosen.checked = true;
      var day = chosen.closest("details");
      if (day) day.open = true;
    }
    document.querySelector("[data-testid=window-chosen]").textContent = button.dataset.chosen;
  });
})();
