/* A table that must scroll sideways is reachable by keyboard and says so (issue 12):
   every .table-wrap wider than the screen takes focus (tabindex 0), is a labelled region,
   and shows a hint. Tables that fit are left alone (no useless tab stop). */
(function () {
  "use strict";
  function label(wrap) {
    var caption = wrap.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    var section = wrap.closest("section, details, main");
    var heading = section && section.querySelector("h1, h2, h3, summary");
    return heading ? heading.textContent.trim() : "Bảng";
  }
  function mark() {
    Array.prototype.forEach.call(document.querySelectorAll(".table-wrap"), function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      if (wrap.dataset.scrollMarked === "static") return;
      if (wrap.hasAttribute("tabindex") && !wrap.dataset.scrollMarked) {
        wrap.dataset.scrollMarked = "static";  // marked in the template
        return;
      }
      if (scrolls) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", label(wrap) + " (cuộn ngang để xem thêm)");
        wrap.classList.add("table-wrap--scrolls");
        wrap.dataset.scrollMarked = "js";
      } else if (wrap.dataset.scrollMarked === "js") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
        wrap.classList.remove("table-wrap--scrolls");
        delete wrap.dataset.scrollMarked;
      }
    });
  }
  mark();
  window.addEventListener("resize", mark);
  document.addEventListener("toggle", mark, true);  // <details> opening a data table
})();
