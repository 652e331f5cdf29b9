// Checkout: a payment that does not go with the chosen delivery (paying at the stall with
// shipping, cash on delivery with pick-up) cannot be chosen. The server refuses such a pair
// anyway; this only spares the buyer the round trip.
(function () {
  "use strict";

  function update(group) {
    var delivery = group.querySelector('input[name^="delivery_"]:checked');
    if (!delivery) return;
    var payments = group.querySelectorAll("input[data-deliveries]");
    var firstAllowed = null;
    var checkedAllowed = false;
    payments.forEach(function (input) {
      var allowed = input.dataset.deliveries.split(" ").indexOf(delivery.value) !== -1;
      input.disabled = !allowed;
      input.closest("label").classList.toggle("choice--unavailable", !allowed);
      if (allowed && !firstAllowed) firstAllowed = input;
      if (allowed && input.checked) checkedAllowed = true;
    });
    if (!checkedAllowed && firstAllowed) firstAllowed.checked = true;
  }

  document.querySelectorAll("[data-checkout-producer]").forEach(function (group) {
    group.addEventListener("change", function (event) {
      if (event.target.name && event.target.name.indexOf("delivery_") === 0) update(group);
    });
    update(group);
  });
})();
