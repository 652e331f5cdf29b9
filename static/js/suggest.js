// Suggestions under the search box as the visitor types (products, producers, places).
// Without this script the box is an ordinary search form.
(function () {
  "use strict";
  var form = document.querySelector("form[data-suggest-url]");
  if (!form || !window.fetch) return;
  var input = form.querySelector("input[name=q]");
  var list = form.querySelector(".suggestions");
  var timer = null, active = -1, last = "";

  // Closing forgets the last text fetched, so typing the same words again asks again.
  function close() {
    list.hidden = true; input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant");
    active = -1; last = "";
  }

  function render(data) {
    list.innerHTML = "";
    var count = 0;
    ["products", "producers", "places"].forEach(function (kind) {
      (data[kind] || []).forEach(function (item) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        li.id = "suggestion-" + count;
        var a = document.createElement("a");
        a.href = item.url;
        a.textContent = item.name;
        var tag = document.createElement("span");
        tag.className = "suggestions__kind";
        tag.textContent = list.getAttribute("data-label-" + kind);
        a.appendChild(tag);
        li.appendChild(a);
        list.appendChild(li);
        count += 1;
      });
    });
    list.hidden = count === 0;
    input.setAttribute("aria-expanded", count ? "true" : "false");
    active = -1;
  }

  input.addEventListener("input", function () {
    var text = input.value.trim();
    clearTimeout(timer);
    if (text.length < 2) { close(); return; }
    timer = setTimeout(function () {
      if (text === last) return;
      last = text;
      fetch(form.getAttribute("data-suggest-url") + "?q=" + encodeURIComponent(text), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : {}; })
        .then(function (data) { if (input.value.trim() === text) render(data); })
        .catch(close);
    }, 150);
  });

  input.addEventListener("keydown", function (event) {
    var options = list.querySelectorAll("[role=option]");
    if (list.hidden || !options.length) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      active = (active + (event.key === "ArrowDown" ? 1 : -1) + options.length) % options.length;
      options.forEach(function (o, i) { o.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", options[active].id);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.href = options[active].querySelector("a").href;
    } else if (event.key === "Escape" && !list.hidden) {
      // Close the list only; the search field would also clear what was typed.
      event.preventDefault();
      close();
    }
  });
  document.addEventListener("click", function (event) { if (!form.contains(event.target)) close(); });
})();
