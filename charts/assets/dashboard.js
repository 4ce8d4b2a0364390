/* pir dashboard: draws every chart from its JSON option block. The options
   are data only (no functions, no markup), parsed with JSON.parse. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.className = root.className.replace("no-js", "js");
  if (typeof echarts === "undefined") {
    return;
  }
  // Quarter axes show "Q1" over "2024" (over "’24" in a narrow chart) so
  // every quarter fits, the report quarter included; tooltips keep "2024-Q1".
  var quarter = /^(\d{2})(\d{2})-(Q[1-4])$/;
  function quarterAxes(axes, el) {
    var narrow = el.clientWidth < 460;
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
      axis.axisLabel.formatter = function (v) {
        return String(v).replace(quarter, narrow ? "$3\n\u2019$2" : "$3\n$1$2");
      };
    });
  }
  // A legend above the plot wraps to as many rows as the card's width needs;
  // start the plot below the last row (ECharts does not do this itself).
  var measure = document.createElement("canvas").getContext("2d");
  function fitLegend(option, el) {
    var legend = option.legend && (Array.isArray(option.legend) ? option.legend[0] : option.legend);
    var grid = option.grid && (Array.isArray(option.grid) ? option.grid[0] : option.grid);
    if (!legend || legend.show === false || legend.top !== "0" || !grid || !option.series) {
      return;
    }
    var style = getComputedStyle(el);
    measure.font = "12px " + style.fontFamily;
    var width = el.clientWidth - 10, used = 0, rows = 1;
    option.series.forEach(function (s) {
      var w = (legend.itemWidth || 25) + 5 + measure.measureText(String(s.name)).width;
      if (used > 0 && used + w > width) {
        rows++;
        used = 0;
      }
      used += w + 10;
    });
    grid.top = String(14 + 22 * rows);
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
    quarterAxes(option.xAxis, el);
    var unit = block.getAttribute("data-unit");
    if (unit && option.tooltip) {
      option.tooltip.valueFormatter = function (v) {
        return v === null || v === undefined || v === "-" ? "–" : v + " " + unit;
      };
    }
    fitLegend(option, el);
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    chart.pirOption = option;
    chart.pirEl = el;
    el.setAttribute("data-drawn", "true");
    drawn.push(chart);
  });
  function resize() {
    drawn.forEach(function (c) {
      var top = c.pirOption.grid && c.pirOption.grid[0] && c.pirOption.grid[0].top;
      fitLegend(c.pirOption, c.pirEl);
      if (c.pirOption.grid && c.pirOption.grid[0] && c.pirOption.grid[0].top !== top) {
        c.setOption({ grid: c.pirOption.grid });
      }
      c.resize();
    });
  }
  // On paper the style sheet scales each chart's bitmap to its column; a
  // resize while printing would redraw too late for the printout.
  window.addEventListener("resize", function () {
    if (!window.matchMedia || !window.matchMedia("print").matches) {
      resize();
    }
  });
  root.setAttribute("data-charts-drawn", String(drawn.length));
})();
