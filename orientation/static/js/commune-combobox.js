// A commune <select data-combobox> becomes an ARIA 1.2 combobox (a text field with a listbox popup): typing
// narrows the communes by name or postcode, accents and case ignored; ↓/↑ move in the list, Entrée chooses,
// Échap closes (or clears when already closed). The select stays in the form, hidden, and carries the value
// submitted: without JavaScript it is the field itself. The label and error messages follow the text field.
(function () {
  "use strict";

  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[-'’()]/g, " ").replace(/\s+/g, " ").trim();
  }

  function plural(count) {
    if (count === 0) { return "Aucune commune ne correspond."; }
    return count + (count > 1 ? " communes proposées" : " commune proposée") + " ; flèche bas pour les parcourir.";
  }

  function enhance(select) {
    var id = select.id;
    var postcodes = {};
    try { postcodes = JSON.parse(select.getAttribute("data-postcodes") || "{}"); } catch (error) { postcodes = {}; }
    var blank = null;
    var choices = [];
    Array.prototype.forEach.call(select.options, function (option) {
      if (!option.value) { blank = option; return; }
      var codes = postcodes[option.value] || "";
      choices.push({ value: option.value, label: option.text, key: fold(option.text + " " + codes.replace(/,/g, " ")) });
    });

    var input = document.createElement("input");
    input.type = "text";
    input.className = select.className.replace("fr-select", "fr-input");
    input.id = id;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id + "-listbox");
    input.setAttribute("autocomplete", "off");
    if (blank && blank.text) { input.setAttribute("placeholder", blank.text.replace(/^—\s*|\s*—$/g, "")); }
    ["aria-describedby", "aria-invalid", "required"].forEach(function (name) {
      if (select.hasAttribute(name)) { input.setAttribute(name, select.getAttribute(name)); }
    });

    var label = document.querySelector("label[for='" + id + "']");
    if (label && !label.id) { label.id = id + "-label"; }
    var listbox = document.createElement("ul");
    listbox.id = id + "-listbox";
    listbox.className = "app-combobox__listbox";
    listbox.setAttribute("role", "listbox");
    if (label) { listbox.setAttribute("aria-labelledby", label.id); }
    listbox.hidden = true;
    var status = document.createElement("p");
    status.className = "fr-sr-only";
    status.setAttribute("role", "status");

    select.id = id + "-select";
    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    var wrapper = document.createElement("div");
    wrapper.className = "app-combobox";
    select.parentNode.insertBefore(wrapper, select);
    wrapper.appendChild(input);
    wrapper.appendChild(listbox);
    wrapper.appendChild(status);
    wrapper.appendChild(select);

    var shown = [];
    var active = -1;
    var timer = null;

    function chosen() {
      for (var i = 0; i < choices.length; i++) { if (choices[i].value === select.value) { return choices[i]; } }
      return null;
    }

    function matches(text) {
      var words = fold(text).split(" ").filter(Boolean);
      var found = choices.filter(function (choice) {
        return words.every(function (word) { return choice.key.indexOf(word) !== -1; });
      });
      if (words.length) { // the names that start with what was typed first
        var first = words[0];
        found.sort(function (a, b) {
          return (a.key.indexOf(first) === 0 ? 0 : 1) - (b.key.indexOf(first) === 0 ? 0 : 1);
        });
      }
      return found;
    }

    function setActive(index) {
      var items = listbox.children;
      if (active >= 0 && items[active]) { items[active].setAttribute("aria-selected", "false"); }
      active = index;
      if (active >= 0 && items[active]) {
        items[active].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", items[active].id);
        items[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function open(list) {
      shown = list;
      active = -1;
      listbox.textContent = "";
      list.forEach(function (choice, index) {
        var item = document.createElement("li");
        item.id = id + "-option-" + index;
        item.className = "app-combobox__option";
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.textContent = choice.label;
        item.addEventListener("mousedown", function (event) { event.preventDefault(); }); // keep the focus
        item.addEventListener("click", function () { choose(choice); });
        listbox.appendChild(item);
      });
      listbox.hidden = list.length === 0;
      input.setAttribute("aria-expanded", list.length ? "true" : "false");
      input.removeAttribute("aria-activedescendant");
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { status.textContent = plural(list.length); }, 400);
    }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function choose(choice) {
      select.value = choice ? choice.value : "";
      input.value = choice ? choice.label : "";
      close();
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    // What was typed, when the field is left: one commune that fits is chosen; nothing clears the field;
    // anything else gives back the commune chosen before (never a value the list does not hold).
    function settle() {
      if (!input.value.trim()) { if (select.value) { choose(null); } return; }
      var current = chosen();
      if (current && current.label === input.value) { return; }
      var exact = choices.filter(function (choice) { return fold(choice.label).indexOf(fold(input.value)) === 0; });
      var found = matches(input.value);
      var pick = found.length === 1 ? found[0] : (exact.length === 1 ? exact[0] : null);
      if (pick) { choose(pick); } else { input.value = current ? current.label : ""; close(); }
    }

    input.value = chosen() ? chosen().label : "";
    input.addEventListener("input", function () { open(matches(input.value)); });
    input.addEventListener("keydown", function (event) {
      var expanded = input.getAttribute("aria-expanded") === "true";
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!expanded) { open(input.value && chosen() && chosen().label === input.value ? choices : matches(input.value)); }
        if (event.altKey) { return; }
        if (shown.length) { setActive(active < shown.length - 1 ? active + 1 : 0); }
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (!expanded) { open(matches(input.value)); }
        if (shown.length) { setActive(active > 0 ? active - 1 : shown.length - 1); }
      } else if (event.key === "Enter") {
        if (expanded && active >= 0) { event.preventDefault(); choose(shown[active]); }
      } else if (event.key === "Escape") {
        if (expanded) { event.preventDefault(); close(); } else if (input.value) { event.preventDefault(); choose(null); }
      } else if (event.key === "Home" || event.key === "End") {
        close(); // the cursor moves in the text
      }
    });
    input.addEventListener("blur", settle);
    if (input.form) { input.form.addEventListener("submit", settle); } // Entrée in the field: what was typed counts
  }

  document.querySelectorAll("select[data-combobox]").forEach(enhance);
}());
