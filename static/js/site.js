// Move keyboard and screen-reader focus to a form's error summary, so that a person who
// submitted a form with mistakes hears what to correct first.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
});
