/* pir dashboard filters: redraw the trend charts from the slices carried in
   the page (script#pir-slices). One filter at a time; "All" restores the
   report's own series. No network, no markup from data (textContent only). */
(function () {
  "use strict";
  var block = document.getElementById("pir-slices");
  if (!block || typeof echarts === "undefined") {
    return;
  }
  var data = JSON.parse(block.textContent);
  var selects = document.querySelectorAll("select[data-filter]");
  var status = document.getElementById("filter-status");
  var saved = {}; // chart id -> the report's own series data
  function chartOf(id) {
    var el = document.getElementById(id);
    return el ? echarts.getInstanceByDom(el) : null;
  }
  function dash(list) {
    return list.map(function (v) { return v === null ? "-" : v; });
  }
  function apply(dim, value) {
    var slices = dim ? (data.dimensions[dim] || {})[value] : null;
    document.querySelectorAll("div.chart[id^='chart-trend-']").forEach(function (el) {
      var chart = echarts.getInstanceByDom(el);
      if (!chart) {
        return;
      }
      if (!saved[el.id]) {
        var opt = chart.getOption();
        saved[el.id] = opt.series.map(function (s) { return JSON.parse(JSON.stringify(s.data)); });
      }
      var s = slices && slices[el.id];
      var series = slices
        ? [{ data: s ? dash(s.median) : [] }, { data: s ? dash(s.p90) : [] }]
        : saved[el.id].map(function (d) { return { data: d }; });
      chart.setOption({ series: series });
      el.setAttribute("data-filter", slices ? dim + "=" + value : "");
    });
    if (status) {
      var label = "";
      if (slices) {
        var sel = document.querySelector("select[data-filter='" + dim + "']");
        label = sel.getAttribute("aria-label") + ": " + sel.options[sel.selectedIndex].text;
      }
      status.textContent = slices ? "Showing only the cases of " + label + "." : "Showing all cases.";
    }
  }
  Array.prototype.forEach.call(selects, function (sel) {
    sel.addEventListener("change", function () {
      Array.prototype.forEach.call(selects, function (other) {
        if (other !== sel) {
          other.value = "";
        }
      });
      apply(sel.value ? sel.getAttribute("data-filter") : "", sel.value);
    });
  });
  document.documentElement.setAttribute("data-filters", String(selects.length));
})();
