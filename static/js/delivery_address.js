// The delivery step: suggestions as the shopper types (the page works without this: the
// "Chercher" button asks the server for the same list). Labels are set as text, never HTML.
(function () {
  "use strict";
  var input = document.querySelector("[data-address-input]");
  var box = document.querySelector("[data-address-suggestions]");
  var status = document.querySelector("[data-address-status]");
  if (!input || !box || !window.fetch) return;
  var choices = box.querySelector("[data-address-choices]");
  var timer = null;
  var asked = "";

  function show(found) {
    choices.textContent = "";
    found.forEach(function (address, i) {
      var label = document.createElement("label");
      var radio = document.createElement("input");
      label.className = "choice";
      radio.type = "radio";
      radio.name = "adresse";
      radio.value = address.label;
      radio.checked = i === 0;
      radio.setAttribute("data-testid", "address-choice");
      label.appendChild(radio);
      label.appendChild(document.createTextNode(" " + address.label));
      choices.appendChild(label);
    });
    box.hidden = found.length === 0;
    if (status) status.textContent = status.getAttribute("data-found").replace("__N__", found.length);
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      var typed = input.value.trim();
      if (typed.length < 3 || typed === asked) return;
      asked = typed;
      fetch(box.getAttribute("data-url") + "?q=" + encodeURIComponent(typed),
            {headers: {"Accept": "application/json"}})
        .then(function (answer) { return answer.ok ? answer.json() : []; })
        .then(function (found) { if (input.value.trim() === typed) show(found); })
        .catch(function () { /* the button still works */ });
    }, 250);
  });
})();
