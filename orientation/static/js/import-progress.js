// Import run page: polls the run's state and moves the progress bar; reloads when the run is done
// (the preview or the report then shows). Without JavaScript the page refreshes itself (noscript).
(function () {
  "use strict";
  var block = document.getElementById("import-progress-block");
  if (!block) return;
  var url = block.getAttribute("data-progress-url");
  if (!url) return;
  var bar = document.getElementById("import-progress");
  var text = document.getElementById("import-progress-text");
  var status = document.getElementById("import-status");
  var number = new Intl.NumberFormat("fr-FR");

  function show(state) {
    bar.value = state.progress;
    bar.textContent = state.progress + " %";
    status.textContent = state.label;
    if (state.expected) {
      text.textContent = state.progress + " % (" + number.format(state.processed) + " enregistrements sur " +
        number.format(state.expected) + ")";
    } else {
      text.textContent = number.format(state.processed) + " enregistrements lus";
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (state) {
        show(state);
        if (state.running) {
          window.setTimeout(poll, 1500);
        } else {
          window.location.reload();
        }
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }

  window.setTimeout(poll, 1000);
})();
