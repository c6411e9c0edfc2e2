// Light or dark, as the system is set: Bootstrap 5.3 draws its dark colours under
// data-bs-theme="dark" on <html>. Without JavaScript the page simply stays light.
(function () {
  var dark = window.matchMedia("(prefers-color-scheme: dark)");
  function follow() {
    document.documentElement.setAttribute("data-bs-theme", dark.matches ? "dark" : "light");
  }
  follow();
  dark.addEventListener("change", follow);
})();
