// Filters update the product list in place; without this script they are ordinary links and a
// GET form. The address bar always shows the filtered URL, so it can be shared.
(function () {
  "use strict";
  var container = function () { return document.getElementById("catalogue-results"); };
  if (!container() || !window.fetch || !window.history.pushState) return;

  // On phones the filter panel starts folded, so the products come first.
  var narrow = window.matchMedia("(max-width: 63.99rem)");
  var panelOpen = !narrow.matches;
  function applyPanel() {
    var panel = container().querySelector(".filters__panel");
    if (panel) {
      panel.open = panelOpen;
      panel.addEventListener("toggle", function () { panelOpen = panel.open; });
    }
  }
  applyPanel();

  function load(url, push) {
    var results = container().querySelector(".results");
    if (results) results.setAttribute("aria-busy", "true");
    fetch(url, { headers: { "X-Partial": "results" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.text();
      })
      .then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("#catalogue-results");
        if (!fresh) throw new Error("no results in the answer");
        container().replaceWith(fresh);
        applyPanel();
        if (push) window.history.pushState({ catalogue: true }, "", url);
      })
      .catch(function () { window.location.href = url; });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-filter-link], .pagination a");
    if (!link || !container() || !container().contains(link)) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    load(link.href, true);
  });

  function formUrl(form) {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) { if (value !== "") params.append(key, value); });
    var query = params.toString();
    return form.action + (query ? "?" + query : "");
  }

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-filter-form]");
    if (!form) return;
    event.preventDefault();
    load(formUrl(form), true);
  });

  document.addEventListener("change", function (event) {
    var form = event.target.closest("form[data-filter-form]");
    if (!form || event.target.type === "search" || event.target.type === "number") return;
    load(formUrl(form), true);
  });

  window.addEventListener("popstate", function () { load(window.location.href, false); });
})();
