// Destructive actions: the confirmation page (orientation/confirming.py) shown in a DSFR modal.
// A form marked data-confirm-form posts, without `confirmed`, to its action: the server answers the
// confirmation page and changes nothing. Its content goes into the page's fr-modal (focus trapped and
// Escape by DSFR); « Confirmer » posts the confirmation form as the page would, « Annuler » closes.
// Without this script (or if anything fails) the form posts normally and the page itself is shown.
(function () {
  "use strict";
  var modal = null;
  var opener = null;

  function dsfrModal() {
    return window.dsfr && modal ? window.dsfr(modal).modal : null;
  }

  function close() {
    var api = dsfrModal();
    if (api) { api.conceal(); }
  }

  function show(content, submitter) {
    var slot = modal.querySelector("[data-confirm-slot]");
    slot.replaceChildren(content);
    var title = content.querySelector("h1");
    if (title) {  // the modal's title, not a second h1 of the page
      var heading = document.createElement("h2");
      heading.className = "fr-modal__title";
      heading.id = "confirm-title";
      heading.textContent = title.textContent;
      title.replaceWith(heading);
    }
    var cancel = content.querySelector("[data-confirm-cancel]");
    if (cancel) {
      cancel.addEventListener("click", function (event) { event.preventDefault(); close(); });
    }
    opener = submitter;
    dsfrModal().disclose();
    window.setTimeout(function () {
      var first = content.querySelector("input[type=radio]:checked, input[type=radio], [data-confirm-submit]");
      if (first) { first.focus(); }
    }, 50);
  }

  function ask(form, submitter) {
    var data = new FormData(form, submitter || undefined);
    data.delete("confirmed");
    return fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Confirm-Modal": "1" },
    }).then(function (response) {
      return response.text().then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var content = page.querySelector("[data-confirm-content]");
        if (!response.ok || !content) { throw new Error("no confirmation"); }
        show(document.importNode(content, true), submitter);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    modal = document.getElementById("confirm-modal");
    if (!modal || typeof window.fetch !== "function") { return; }
    new MutationObserver(function () {  // closed (Escape, « Fermer », « Annuler »): focus back to the button
      if (!modal.open && !modal.classList.contains("fr-modal--opened") && opener) {
        var button = opener;
        opener = null;
        window.setTimeout(function () { button.focus(); }, 0);
      }
    }).observe(modal, { attributes: true, attributeFilter: ["open", "class"] });
    modal.addEventListener("keydown", function (event) {  // Escape closes, whatever has the focus inside
      if (event.key === "Escape") { event.preventDefault(); close(); }
    });
    document.querySelectorAll("form[data-confirm-form]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.dataset.confirmPlain === "1" || !window.dsfr) { return; }
        event.preventDefault();
        var submitter = event.submitter || form.querySelector("[type=submit]");
        ask(form, submitter).catch(function () {  // errors to show, or offline: the page itself
          form.dataset.confirmPlain = "1";
          if (form.requestSubmit) { form.requestSubmit(submitter); } else { form.submit(); }
        });
      });
    });
  });
})();
