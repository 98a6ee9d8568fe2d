// Console behaviour without inline script (the CSP forbids it): the CSRF header on every htmx
// request, live updates over server-sent events, ECharts charts from data-* attributes, and the
// full-screen (大屏) toggle.
(function () {
  'use strict';
  function csrf() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute('content') : '';
  }
  document.addEventListener('htmx:configRequest', function (e) {
    e.detail.headers['x-csrf-token'] = csrf();
  });

  // <div data-sse="/console/ranking/events?period=..." data-sse-event="ranking-changed">: each
  // server event re-triggers htmx on the element (hx-trigger="ranking-changed").
  function wireSse(root) {
    root.querySelectorAll('[data-sse]').forEach(function (el) {
      if (el.__sse) return;
      var es = new EventSource(el.getAttribute('data-sse'));
      el.__sse = es;
      var name = el.getAttribute('data-sse-event') || 'message';
      es.addEventListener(name, function () {
        if (window.htmx) window.htmx.trigger(el, name);
      });
    });
  }

  // <div class="chart" data-chart='{"type":"bar","x":[...],"series":[{"name":..,"data":[..]}]}'>
  function drawCharts(root) {
    if (!window.echarts) return;
    root.querySelectorAll('[data-chart]').forEach(function (el) {
      if (el.__chart) return;
      var spec = JSON.parse(el.getAttribute('data-chart'));
      var chart = window.echarts.init(el, null, { renderer: 'svg' });
      el.__chart = chart;
      chart.setOption({
        tooltip: { trigger: 'axis' },
        legend: { top: 0 },
        grid: { left: 40, right: 16, top: 32, bottom: 28 },
        xAxis: { type: 'category', data: spec.x },
        yAxis: { type: 'value', minInterval: 1 },
        color: spec.colors || ['#f9a825', '#e65100', '#b71c1c'],
        series: spec.series.map(function (s) {
          return { name: s.name, type: spec.type || 'bar', stack: spec.stack ? 'all' : undefined, data: s.data };
        }),
      });
      window.addEventListener('resize', function () { chart.resize(); });
    });
  }

  document.addEventListener('click', function (e) {
    var t = e.target.closest('[data-fullscreen]');
    if (!t) return;
    e.preventDefault();
    var el = document.documentElement;
    if (document.fullscreenElement) document.exitFullscreen();
    else if (el.requestFullscreen) el.requestFullscreen();
  });

  function init(root) {
    wireSse(root);
    drawCharts(root);
  }
  document.addEventListener('DOMContentLoaded', function () { init(document); });
  document.addEventListener('htmx:afterSettle', function (e) { init(e.target); });
  window.addEventListener('load', function () { drawCharts(document); });
})();
