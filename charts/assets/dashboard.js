/* pir dashboard: draws every chart from its JSON option block. The options
   are data only (no functions, no markup), parsed with JSON.parse. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.className = root.className.replace("no-js", "js");
  if (typeof echarts === "undefined") {
    return;
  }
  // Quarter axes show "Q1" over "2024" so every quarter fits, the report
  // quarter included; tooltips keep "2024-Q1".
  var quarter = /^(\d{4})-(Q[1-4])$/;
  function quarterAxes(axes) {
    (Array.isArray(axes) ? axes : [axes]).forEach(function (axis) {
      if (!axis || axis.type !== "category" || !Array.isArray(axis.data) || !axis.data.length) {
        return;
      }
      for (var i = 0; i < axis.data.length; i++) {
        if (!quarter.test(axis.data[i])) {
          return;
        }
      }
      axis.axisLabel = axis.axisLabel || {};
      axis.axisLabel.interval = 0;
      axis.axisLabel.lineHeight = 14;
      axis.axisLabel.formatter = function (v) { return String(v).replace(quarter, "$2\n$1"); };
    });
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
    quarterAxes(option.xAxis);
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
