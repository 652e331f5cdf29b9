// Zoom buttons for the floor plan, and a caption naming the stall under the pointer or focus.
// Without this script the plan still scrolls, pinch-zooms and links to every exhibitor.
(function () {
  "use strict";
  var plan = document.querySelector(".floor-plan__svg");
  if (!plan) return;
  var tools = document.querySelector(".floor-plan__tools");
  var caption = document.querySelector("[data-plan-caption]");
  var width = plan.viewBox.baseVal.width;
  var scale = Math.min(1, (plan.parentNode.clientWidth || width) / width);
  function apply() {
    plan.setAttribute("width", Math.round(width * scale));
    plan.setAttribute("height", Math.round(plan.viewBox.baseVal.height * scale));
  }
  apply();
  if (tools) {
    tools.hidden = false;
    tools.addEventListener("click", function (event) {
      var factor = parseFloat(event.target.getAttribute("data-zoom"));
      if (!factor) return;
      scale = Math.max(0.2, Math.min(4, scale * factor));
      apply();
    });
  }
  function show(event) {
    var stall = event.target.closest && event.target.closest("a.stall");
    var title = stall && stall.querySelector("title");
    if (title && caption) caption.textContent = title.textContent;
  }
  plan.addEventListener("mouseover", show);
  plan.addEventListener("focusin", show);
})();
