// Django's admin lets inline tables scroll sideways on narrow screens (.inline-group gets
// overflow: auto). A read-only inline has nothing inside to focus, so a keyboard user could
// not scroll it: such a group joins the tab order as a region named by its heading
// (WCAG 2.1.1; axe's scrollable-region-focusable).
document.addEventListener("DOMContentLoaded", () => {
  for (const group of document.querySelectorAll(".inline-group")) {
    if (group.querySelector("a[href], button, input:not([type=hidden]), select, textarea, [tabindex]")) {
      continue;
    }
    group.tabIndex = 0;
    group.setAttribute("role", "region");
    const heading = group.querySelector("h2");
    if (heading) {
      heading.id = heading.id || `${group.id}-heading`;
      group.setAttribute("aria-labelledby", heading.id);
    }
  }
});
