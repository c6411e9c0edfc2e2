// While an export is being prepared, ask the server how far it is every two seconds and
// reload the page when it is finished, so the download button appears by itself.
(function () {
  var box = document.getElementById("export-status");
  if (!box || (box.dataset.status !== "queued" && box.dataset.status !== "running")) {
    return;
  }
  var bar = document.getElementById("export-progress-bar");
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (state.status !== "queued" && state.status !== "running") {
          window.location.reload();
          return;
        }
        if (bar) {
          bar.textContent = state.percent + " %";
          bar.style.width = state.percent + "%";
          bar.parentElement.setAttribute("aria-valuenow", state.percent);
        }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
})();
