// A code block, formula or table wider than the screen scrolls inside its own box (style.css): such a box
// takes keyboard focus, so that it can be scrolled without a pointer, and only such a box (no extra tab stops).
// On every page (base.html): questions, feedback, the review and the report all show code and formulas.
// A box is looked at again whenever its size changes (fonts and formulas finish laying out after this runs).
(function () {
  "use strict";
  var boxes = document.querySelectorAll("main :is(pre, math, table)");
  function update(box) {
    if (box.scrollWidth > box.clientWidth + 1) {
      if (!box.hasAttribute("tabindex")) { box.setAttribute("tabindex", "0"); box.setAttribute("data-scroller", ""); }
    } else if (box.hasAttribute("data-scroller")) {
      box.removeAttribute("tabindex"); box.removeAttribute("data-scroller");
    }
  }
  function updateAll() { boxes.forEach(update); }
  updateAll();
  window.addEventListener("load", updateAll);
  window.addEventListener("resize", updateAll);
  if ("ResizeObserver" in window) {
    var observer = new ResizeObserver(function (entries) { entries.forEach(function (e) { update(e.target); }); });
    boxes.forEach(function (box) { observer.observe(box); });
  }
})();
