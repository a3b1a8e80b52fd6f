// Search as you type on a GET search form (form[data-live-search="ID"]): the page is fetched with the
// form's query, as the « Rechercher » button would, and its #ID results and #ID-status count replace
// these (the count line is role="status": screen readers announce it). The form's selects refresh at once.
// Without JavaScript the button works.
(function () {
  "use strict";
  document.querySelectorAll("form[data-live-search]").forEach(function (form) {
    var target = form.getAttribute("data-live-search");
    var results = document.getElementById(target);
    var status = document.getElementById(target + "-status");
    var input = form.querySelector("input[type=search]");
    if (!results || !status || !input || !window.fetch || !window.DOMParser) { return; }
    var timer = null;
    var latest = 0;

    function refresh() {
      var fields = new URLSearchParams(new FormData(form));
      fields.delete("page"); // a new search starts at its first page
      var query = fields.toString();
      var url = (form.getAttribute("action") || window.location.pathname) + "?" + query;
      var ticket = ++latest;
      fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "live-search" } })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          if (ticket !== latest) { return; }
          var page = new DOMParser().parseFromString(html, "text/html");
          var fresh = page.getElementById(target);
          var freshStatus = page.getElementById(target + "-status");
          if (!fresh || !freshStatus) { return; }
          results.innerHTML = fresh.innerHTML;
          status.textContent = freshStatus.textContent;
          window.history.replaceState(null, "", url); // back from the next page finds the same list
        })
        .catch(function () { /* the button still works */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 300);
    });
    form.querySelectorAll("select").forEach(function (select) {
      select.addEventListener("change", function () {
        window.clearTimeout(timer);
        refresh();
      });
    });
  });
}());
