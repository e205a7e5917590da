// The filter form's actor field: actors are found among all of them, by any
// name or alias, as the reader types (the site's actor lookup), and each one
// chosen becomes a hidden `actor` input, kept in the address with every
// other filter. A listbox pattern (ARIA combobox): arrows move, Enter
// chooses, Escape closes.
(function () {
  "use strict";

  var field = document.querySelector(".actor-filter");
  if (!field) return;
  var input = field.querySelector("#f-actor");
  var options = field.querySelector("#f-actor-options");
  var chosen = field.querySelector("#f-actor-chosen");
  var lookup = field.dataset.lookup;
  var timer = null;
  var active = -1;
  var latest = 0;

  function close() {
    options.hidden = true;
    options.textContent = "";
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function isChosen(id) {
    return !!chosen.querySelector('li[data-id="' + String(Number(id)) + '"]');
  }

  function choose(actor) {
    if (!isChosen(actor.id)) {
      var item = document.createElement("li");
      item.className = "chip";
      item.dataset.id = String(actor.id);
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = "actor";
      hidden.value = String(actor.id);
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "chip-remove";
      remove.setAttribute("aria-label", "Remove " + actor.name);
      remove.textContent = "×";
      item.appendChild(hidden);
      item.appendChild(document.createTextNode(actor.name + " "));
      item.appendChild(remove);
      chosen.appendChild(item);
    }
    input.value = "";
    close();
    input.focus();
  }

  function highlight(index) {
    var items = options.querySelectorAll("[role=option]");
    items.forEach(function (item, n) {
      item.setAttribute("aria-selected", n === index ? "true" : "false");
    });
    active = index;
    if (index >= 0 && items[index]) {
      input.setAttribute("aria-activedescendant", items[index].id);
      items[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function show(results) {
    options.textContent = "";
    results.forEach(function (actor, n) {
      var item = document.createElement("li");
      item.id = "f-actor-option-" + n;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.textContent = actor.label;
      item.addEventListener("mousedown", function (event) {
        event.preventDefault(); // keep the focus in the input
        choose(actor);
      });
      item.actor = actor;
      options.appendChild(item);
    });
    if (!results.length) {
      var none = document.createElement("li");
      none.className = "actor-none";
      none.textContent = "No actor of that name.";
      options.appendChild(none);
    }
    options.hidden = false;
    input.setAttribute("aria-expanded", "true");
    highlight(results.length ? 0 : -1);
  }

  function search() {
    var text = input.value.trim();
    if (text.length < 2) { close(); return; }
    var asked = ++latest;
    fetch(lookup + "?q=" + encodeURIComponent(text.slice(0, 100)), {
      headers: { Accept: "application/json" },
    }).then(function (response) {
      return response.ok ? response.json() : { results: [] };
    }).then(function (body) {
      if (asked === latest && input.value.trim() === text) show(body.results || []);
    }).catch(close);
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(search, 200);
  });

  input.addEventListener("keydown", function (event) {
    var items = options.querySelectorAll("[role=option]");
    if (event.key === "ArrowDown" && items.length) {
      event.preventDefault();
      highlight((active + 1) % items.length);
    } else if (event.key === "ArrowUp" && items.length) {
      event.preventDefault();
      highlight((active - 1 + items.length) % items.length);
    } else if (event.key === "Enter" && !options.hidden && active >= 0 && items[active]) {
      event.preventDefault(); // choose, rather than submit the form
      choose(items[active].actor);
    } else if (event.key === "Escape") {
      close();
    }
  });

  input.addEventListener("blur", function () { window.setTimeout(close, 150); });

  chosen.addEventListener("click", function (event) {
    var button = event.target.closest(".chip-remove");
    if (!button) return;
    button.closest("li").remove();
    input.focus();
  });
})();
