// Dashboard charts: every <canvas data-chart="name"> is drawn with Chart.js (vendored) from the
// page's JSON block <script type="application/json" id="dashboard-charts">, entry `name`:
// {type, labels, datasets: [{label, data, tone}], stacked, horizontal, percent, aspect}.
(function () {
  "use strict";

  var TONES = {
    brand: "#234e8c",
    ok: "#1f7a4d",
    warn: "#c77700",
    bad: "#b42318",
    muted: "#c5ccd8"
  };
  var PALETTE = ["#234e8c", "#1f7a4d", "#c77700", "#b42318", "#6b4fa0", "#2a8a9a", "#8a8f98"];

  function dataset(spec, index, type) {
    var colour = TONES[spec.tone] || PALETTE[index % PALETTE.length];
    var out = { label: spec.label, data: spec.data };
    if (type === "doughnut" || type === "pie") {
      out.backgroundColor = spec.data.map(function (_, i) { return PALETTE[i % PALETTE.length]; });
    } else {
      out.backgroundColor = colour;
      out.borderColor = colour;
    }
    return out;
  }

  function config(spec) {
    var type = spec.type || "bar";
    var options = {
      responsive: true,
      maintainAspectRatio: true,
      animation: false,
      plugins: { legend: { display: spec.datasets.length > 1 || type === "doughnut" } }
    };
    if (spec.aspect) {
      options.aspectRatio = spec.aspect;
    }
    if (type === "bar") {
      var value = spec.horizontal ? "x" : "y";
      var category = spec.horizontal ? "y" : "x";
      options.indexAxis = spec.horizontal ? "y" : "x";
      options.scales = {};
      options.scales[category] = { stacked: !!spec.stacked };
      options.scales[value] = { stacked: !!spec.stacked, beginAtZero: true };
      if (spec.percent) {
        options.scales[value].suggestedMax = 100;
        options.scales[value].ticks = { callback: function (v) { return v + "%"; } };
      } else {
        options.scales[value].ticks = { precision: 0 };
      }
      // Horizontal bars get taller with every row, so long lists stay readable.
      if (spec.horizontal) {
        options.aspectRatio = Math.max(0.6, 2.2 - 0.12 * spec.labels.length);
      }
    }
    return {
      type: type,
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (d, i) { return dataset(d, i, type); })
      },
      options: options
    };
  }

  function draw() {
    var source = document.getElementById("dashboard-charts");
    if (!source || typeof window.Chart === "undefined") { return; }
    var charts = JSON.parse(source.textContent);
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var spec = charts[canvas.dataset.chart];
      if (!spec || !spec.labels || spec.labels.length === 0) {
        canvas.replaceWith(Object.assign(document.createElement("p"), {
          className: "muted", textContent: "Nothing to chart yet."
        }));
        return;
      }
      canvas.chart = new window.Chart(canvas, config(spec));
      canvas.dataset.drawn = "true";
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
