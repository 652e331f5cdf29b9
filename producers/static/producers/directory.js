// On phones the directory's filter panel starts folded, so the producers come first; it stays
// open when a filter was not understood, so the message is seen. Without this script it is open.
(function () {
  "use strict";
  var panel = document.querySelector("[data-directory-filters]");
  if (!panel || !window.matchMedia) return;
  if (window.matchMedia("(max-width: 63.99rem)").matches && !panel.hasAttribute("data-has-errors")) {
    panel.open = false;
  }
})();
