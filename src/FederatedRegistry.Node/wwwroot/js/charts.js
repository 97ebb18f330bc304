// Bar charts with Chart.js (window.Chart, from /lib/chart.umd.js). Tests read a chart back with Chart.getChart(canvasId).
const charts = new Map();

export function bar(canvasId, label, labels, values) {
  charts.get(canvasId)?.destroy();
  const chart = new window.Chart(document.getElementById(canvasId), {
    type: "bar",
    data: { labels, datasets: [{ label, data: values, backgroundColor: "#1f5fae" }] },
    options: {
      // Static charts: screenshots and tests see the final bars, not a frame of the animation.
      animation: false,
      plugins: { legend: { display: false } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
  charts.set(canvasId, chart);
  return chart;
}
