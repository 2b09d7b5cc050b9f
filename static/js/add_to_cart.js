// The shop page for the thumb: "Ajouter" adds in the background (the page stays where it
// is, the basket's count changes, a live region says it), and the quantity has − and +
// buttons kept between 1 and the product's most. Without this script the form posts and
// the page comes back at the product.
(function () {
  "use strict";
  var status = document.querySelector("[data-testid=add-status]");

  function clamp(input, value) {
    var low = Number(input.min) || 1, high = Number(input.max) || low;
    return Math.min(high, Math.max(low, value || low));
  }

  document.querySelectorAll("[data-stepper]").forEach(function (stepper) {
    var input = stepper.querySelector("input");
    var buttons = stepper.querySelectorAll("[data-step]");
    function refresh() {
      var value = Number(input.value);
      buttons[0].disabled = value <= Number(input.min);
      buttons[1].disabled = value >= Number(input.max);
    }
    buttons.forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        input.value = clamp(input, Number(input.value) + Number(button.dataset.step));
        refresh();
      });
    });
    input.addEventListener("change", function () {
      input.value = clamp(input, Number(input.value));
      refresh();
    });
    refresh();
  });

  function showCount(count) {
    var link = document.querySelector("[data-testid=nav-cart]");
    if (!link) { return; }
    var badge = link.querySelector("[data-testid=cart-count]");
    if (!badge) {
      badge = document.createElement("span");
      badge.className = "count";
      badge.dataset.testid = "cart-count";
      link.appendChild(document.createTextNode(" "));
      link.appendChild(badge);
    }
    badge.textContent = count;
  }

  document.querySelectorAll("form.add-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.fetch || !status) { return; }
      event.preventDefault();
      var button = form.querySelector("[type=submit]");
      button.disabled = true;
      fetch(form.action, {method: "POST", body: new FormData(form), credentials: "same-origin",
                          headers: {"Accept": "application/json"}})
        .then(function (response) { return response.json(); })
        .then(function (answer) {
          status.className = answer.ok ? "toast" : "toast toast-error";
          status.textContent = answer.message;
          if (answer.ok) { showCount(answer.count); }
        })
        .catch(function () { form.submit(); })  // the page's own way, then
        .then(function () { button.disabled = false; });
    });
  });
})();
