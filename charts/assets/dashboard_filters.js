/* pir dashboard filters: redraw the KPI tiles, the trend charts and the
   tables under them from the slices carried in the page (script#pir-slices),
   narrow the "By severity" table to a chosen severity, and mark every other
   part of the page "not filtered" while a filter is on. One filter at a
   time; "All" restores the report's own numbers. No network, no markup from
   data (textContent only); every sentence comes from the data block. */
(function () {
  "use strict";
  var block = document.getElementById("pir-slices");
  if (!block || typeof echarts === "undefined") {
    return;
  }
  var data = JSON.parse(block.textContent);
  var words = data.words || {};
  var selects = document.querySelectorAll("select[data-filter]");
  var status = document.getElementById("filter-status");
  var kpiNote = document.getElementById("filter-kpi-note");
  var saved = {}; // chart id -> the report's own series data
  var savedTiles = {}; // tile id -> the report's own tile
  var savedRows = {}; // chart id -> the report's own table cells

  // The parts of the page a filter does not change: the masthead's facts,
  // every section not marked data-sliced, and within a section holding a
  // data-sliced card, each of its cards. Each gets a hidden note, shown
  // while a filter is on (a data-sliced card's only while it cannot follow).
  var notes = [];
  function addNote(el, before) {
    var p = document.createElement("p");
    p.className = "not-filtered";
    p.setAttribute("role", "note");
    p.textContent = words.notFiltered || "";
    p.hidden = true;
    el.insertBefore(p, before || el.firstChild);
    notes.push({ note: p, part: el });
  }
  var facts = document.querySelector("header.masthead dl.facts");
  if (facts) {
    addNote(facts.parentNode, facts);
  }
  document.querySelectorAll("main > section").forEach(function (sec) {
    if (sec.hasAttribute("data-sliced")) {
      return;
    }
    if (sec.querySelector("[data-sliced]")) {
      sec.querySelectorAll(".card").forEach(function (card) {
        addNote(card); // a data-sliced card hides it while it follows the filter
      });
      return;
    }
    var h = sec.querySelector(":scope > h2");
    addNote(sec, h ? h.nextSibling : null);
  });

  function dash(list) {
    return list.map(function (v) { return v === null ? "-" : v; });
  }
  function text(el, sel) {
    var x = el.querySelector(sel);
    return x ? x.textContent : "";
  }
  function setText(el, sel, value) {
    var x = el.querySelector(sel);
    if (x) {
      x.textContent = value;
    }
  }

  function tileOf(el) {
    var t = { median: text(el, ".kpi-value"), p90: text(el, ".kpi-p90"), n: text(el, ".kpi-n"),
      small: !el.querySelector(".badge.warn").hidden, empty: el.classList.contains("kpi-empty"), changes: [] };
    el.querySelectorAll("li.chg").forEach(function (li) {
      t.changes.push({ cls: li.className, arrow: text(li, ".arrow"), text: text(li, ".chg-text"),
        vs: text(li, ".vs"), sr: text(li, ".sr"), title: li.title });
    });
    return t;
  }
  function drawTile(el, t) {
    setText(el, ".kpi-value", t.median);
    setText(el, ".kpi-p90", t.p90);
    setText(el, ".kpi-n", t.n);
    el.querySelector(".badge.warn").hidden = !t.small;
    el.classList.toggle("kpi-empty", !!t.empty);
    el.querySelectorAll("li.chg").forEach(function (li, i) {
      var c = t.changes[i];
      if (!c) {
        return;
      }
      li.className = c.cls || ("chg chg-" + c["class"]);
      setText(li, ".arrow", c.arrow);
      setText(li, ".chg-text", c.text);
      setText(li, ".vs", c.vs);
      setText(li, ".sr", c.sr);
      li.title = c.title;
    });
  }

  function tableRows(id) {
    var fig = document.getElementById("fig-" + id);
    return fig ? fig.querySelectorAll("table tbody tr") : [];
  }
  function drawRows(id, rows) {
    tableRows(id).forEach(function (tr, i) {
      var r = rows[i];
      if (!r) {
        return;
      }
      for (var j = 0; j < 4; j++) {
        var td = tr.cells[j + 1];
        if (!td) {
          continue;
        }
        td.textContent = r[j];
        if (j < 3) {
          td.className = r[j] === words.noValue ? "num muted" : "num";
        }
      }
    });
  }

  function apply(dim, value) {
    var slice = dim ? (data.dimensions[dim] || {})[value] : null;
    document.querySelectorAll("main article.kpi").forEach(function (el) {
      if (!savedTiles[el.id]) {
        savedTiles[el.id] = tileOf(el);
      }
      var t = slice ? slice.tiles[el.id] : null;
      drawTile(el, t || savedTiles[el.id]);
      el.setAttribute("data-filter", slice && t ? dim + "=" + value : "");
    });
    document.querySelectorAll("div.chart[id^='chart-trend-']").forEach(function (el) {
      var chart = echarts.getInstanceByDom(el);
      if (!chart) {
        return;
      }
      if (!saved[el.id]) {
        var opt = chart.getOption();
        saved[el.id] = opt.series.map(function (s) { return JSON.parse(JSON.stringify(s.data)); });
        savedRows[el.id] = Array.prototype.map.call(tableRows(el.id), function (tr) {
          return Array.prototype.slice.call(tr.cells, 1, 5).map(function (td) { return [td.textContent, td.className]; });
        });
      }
      var s = slice && slice.charts[el.id];
      var series = slice
        ? [{ data: s ? dash(s.median) : [] }, { data: s ? dash(s.p90) : [] }]
        : saved[el.id].map(function (d) { return { data: d }; });
      chart.setOption({ series: series });
      if (s) {
        drawRows(el.id, s.rows);
      } else {
        tableRows(el.id).forEach(function (tr, i) {
          (savedRows[el.id][i] || []).forEach(function (c, j) {
            tr.cells[j + 1].textContent = c[0];
            tr.cells[j + 1].className = c[1];
          });
        });
      }
      el.setAttribute("data-filter", slice ? dim + "=" + value : "");
    });
    // The "By severity" card follows a severity filter when it has rows of
    // that severity; otherwise it is not filtered.
    document.querySelectorAll("[data-sliced='severity']").forEach(function (card) {
      var rows = card.querySelectorAll("tr[data-key]");
      var follows = slice && dim === "severity" &&
        Array.prototype.some.call(rows, function (tr) { return tr.getAttribute("data-key") === value; });
      rows.forEach(function (tr) {
        tr.classList.toggle("filtered-out", !!follows && tr.getAttribute("data-key") !== value);
      });
      card.setAttribute("data-follows", follows ? "true" : "false");
    });
    notes.forEach(function (n) {
      var off = !slice || n.part.getAttribute("data-follows") === "true";
      n.note.hidden = off;
    });
    if (kpiNote) {
      kpiNote.textContent = slice ? (words.kpis || "") : "";
      kpiNote.hidden = !slice;
    }
    if (status) {
      var label = "";
      if (slice) {
        var sel = document.querySelector("select[data-filter='" + dim + "']");
        label = sel.getAttribute("aria-label") + ": " + sel.options[sel.selectedIndex].text;
      }
      status.textContent = slice ? (words.only || "{}").replace("{}", label) : (words.all || "");
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
