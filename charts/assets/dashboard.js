/* pir dashboard: draws every chart from its JSON option block. The options
   are data only (no functions, no markup), parsed with JSON.parse. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.className = root.className.replace("no-js", "js");
  if (typeof echarts === "undefined") {
    return;
  }
  var drawn = [];
  var blocks = document.querySelectorAll('script[type="application/json"][data-chart]');
  Array.prototype.forEach.call(blocks, function (block) {
    var el = document.getElementById(block.getAttribute("data-chart"));
    if (!el) {
      return;
    }
    var option = JSON.parse(block.textContent);
    option.animation = false;
    var unit = block.getAttribute("data-unit");
    if (unit && option.tooltip) {
      option.tooltip.valueFormatter = function (v) {
        return v === null || v === undefined || v === "-" ? "–" : v + " " + unit;
      };
    }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    el.setAttribute("data-drawn", "true");
    drawn.push(chart);
  });
  function resize() {
    drawn.forEach(function (c) { c.resize(); });
  }
  window.addEventListener("resize", resize);
  window.addEventListener("beforeprint", resize);
  window.addEventListener("afterprint", resize);
  if (window.matchMedia) {
    var print = window.matchMedia("print");
    if (print.addEventListener) {
      print.addEventListener("change", resize);
    }
  }
  root.setAttribute("data-charts-drawn", String(drawn.length));
})();
