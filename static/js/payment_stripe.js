// Stripe.js collects the card: it goes to Stripe, never to us. Settings from the form:
// data-publishable-key, data-client-secret, data-return-url.
(function () {
  var form = document.getElementById("stripe-form");
  if (!form || typeof Stripe === "undefined") return;
  var stripe = Stripe(form.dataset.publishableKey);
  var elements = stripe.elements({clientSecret: form.dataset.clientSecret, locale: "fr"});
  elements.create("payment").mount("#payment-element");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    form.querySelector("button").disabled = true;
    // 3-D Secure runs inside confirmPayment; Stripe then sends the shopper to return_url.
    stripe.confirmPayment({elements: elements, confirmParams: {return_url: form.dataset.returnUrl}})
      .then(function (result) {
        var box = document.getElementById("stripe-error");
        box.textContent = result.error.message;
        box.hidden = false;
        form.querySelector("button").disabled = false;
      });
  });
})();
