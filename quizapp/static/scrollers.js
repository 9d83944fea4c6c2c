// A code block, formula or table wider than the screen scrolls inside its own box (style.css): such a box
// takes keyboard focus, so that it can be scrolled without a pointer, and only such a box (no extra tab stops).
// On every page (base.html): questions, feedback, the review and the report all show code and formulas.
(function () {
  "use strict";
  function scrollersFocusable() {
    document.querySelectorAll("main :is(pre, math, table)").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        if (!box.hasAttribute("tabindex")) { box.setAttribute("tabindex", "0"); box.setAttribute("data-scroller", ""); }
      } else if (box.hasAttribute("data-scroller")) {
        box.removeAttribute("tabindex"); box.removeAttribute("data-scroller");
      }
    });
  }
  scrollersFocusable();
  window.addEventListener("resize", scrollersFocusable);
})();
