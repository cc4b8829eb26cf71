// The common operational picture: every <g class="sym" data-sidc="..."> on the map
// becomes its APP-6 / MIL-STD-2525 symbol, drawn by milsymbol (served from /static/vendor).
(function () {
  "use strict";
  function draw(root) {
    if (typeof ms === "undefined") { return; }
    var marks = root.querySelectorAll("g.sym[data-sidc]:not([data-drawn])");
    var valid = 0, invalid = 0;
    marks.forEach(function (g) {
      var size = g.classList.contains("crisis") ? 22 : (g.classList.contains("unit") ? 16 : 13);
      var symbol = new ms.Symbol(g.getAttribute("data-sidc"), { size: size });
      if (!symbol.isValid()) {
        invalid += 1;
        g.setAttribute("data-drawn", "invalid");
        return;
      }
      var anchor = symbol.getAnchor();
      var svg = symbol.asDOM();
      var holder = document.createElementNS("http://www.w3.org/2000/svg", "g");
      holder.setAttribute("class", "sym-drawn");
      holder.setAttribute("transform", "translate(" + (-anchor.x) + "," + (-anchor.y) + ")");
      holder.appendChild(svg);
      var fallback = g.querySelector(".sym-fallback");
      if (fallback) { fallback.remove(); }
      g.appendChild(holder);
      g.setAttribute("data-drawn", "ok");
      valid += 1;
    });
    var map = root.querySelector("[data-cop]");
    if (map) {
      map.setAttribute("data-symbols", String(valid));
      map.setAttribute("data-invalid", String(invalid));
    }
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (e) { draw(e.target); });
})();
