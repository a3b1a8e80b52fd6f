// The send form's service picker, as one types: the form is posted with « Chercher » in the background
// (the very request the button makes without JavaScript: nothing is sent, the form comes back with the
// matching services), and its list of services replaces this one. The count is announced by the
// role="status" line; the choices stay radio buttons (arrows to move, space to choose).
(function () {
  "use strict";
  var picker = document.querySelector("[data-service-picker]");
  if (!picker || !window.fetch || !window.DOMParser) { return; }
  var form = picker.closest("form");
  var input = picker.querySelector("input[type=search]");
  var button = picker.querySelector("[name=search]");
  var status = document.getElementById("service-picker-status");
  var results = document.getElementById("service-picker-results");
  if (!form || !input || !button || !status || !results) { return; }
  var timer = null;
  var latest = 0;
  var lastQuery = null;

  function refresh() {
    var body = new FormData(form);
    body.set(button.name, button.value);
    var query = new URLSearchParams(body).toString();
    if (query === lastQuery) { return; }
    lastQuery = query;
    var ticket = ++latest;
    results.setAttribute("aria-busy", "true");
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-Requested-With": "service-picker" },
    })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        if (ticket !== latest) { return; } // an answer to an older query: a newer one is on its way
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.getElementById("service-picker-results");
        var freshStatus = page.getElementById("service-picker-status");
        if (!fresh || !freshStatus) { return; }
        results.innerHTML = fresh.innerHTML;
        status.textContent = freshStatus.textContent;
      })
      .catch(function () { lastQuery = null; }) // offline: « Chercher » still works
      .finally(function () { if (ticket === latest) { results.removeAttribute("aria-busy"); } });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 300);
  }

  input.addEventListener("input", later);
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { // search at once, never send the orientation from the search field
      event.preventDefault();
      window.clearTimeout(timer);
      refresh();
    }
  });
  button.addEventListener("click", function (event) {
    event.preventDefault();
    window.clearTimeout(timer);
    lastQuery = null;
    refresh();
  });
  // The volet follows the needs ticked.
  form.querySelectorAll("input[name=need_ids]").forEach(function (box) { box.addEventListener("change", later); });
}());
