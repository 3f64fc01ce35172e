// The revocation console's only script (CSP script-src 'self'): selection helpers, a busy state on confirmation,
// and the live health panel. No token or secret ever reaches this file: the session stays on the server.
(function () {
  'use strict';

  function selection() {
    var all = document.getElementById('select-all');
    var boxes = Array.prototype.slice.call(document.querySelectorAll('.select-user'));
    var count = document.getElementById('selected-count');
    function update() {
      var n = boxes.filter(function (b) { return b.checked; }).length;
      if (count) { count.textContent = n === 0 ? '' : n + (n === 1 ? ' user selected' : ' users selected'); }
      if (all) { all.checked = n > 0 && n === boxes.length; all.indeterminate = n > 0 && n < boxes.length; }
    }
    if (all) {
      all.addEventListener('change', function () {
        boxes.forEach(function (b) { b.checked = all.checked; });
        update();
      });
    }
    boxes.forEach(function (b) { b.addEventListener('change', update); });
    update();
  }

  function confirmation() {
    var form = document.getElementById('confirm-form');
    if (!form) { return; }
    form.addEventListener('submit', function () {
      var button = document.getElementById('confirm');
      button.disabled = true;
      document.getElementById('progress').textContent = 'Revoking… waiting until it is in force.';
    });
  }

  function text(id, value) {
    var el = document.getElementById(id);
    if (el) { el.textContent = value; }
  }

  function ms(v) { return v === null || v === undefined ? '–' : v + ' ms'; }

  var SVG = 'http://www.w3.org/2000/svg';

  function svg(name, attrs, parent) {
    var el = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    parent.appendChild(el);
    return el;
  }

  function draw(chart, samples) {
    while (chart.firstChild) { chart.removeChild(chart.firstChild); }
    var w = 600, h = 200, left = 44, bottom = 20, top = 10;
    var values = [];
    samples.forEach(function (s) {
      if (s.p99Millis !== null) { values.push(s.p99Millis); }
      if (s.p50Millis !== null) { values.push(s.p50Millis); }
    });
    var max = Math.max(10, Math.max.apply(null, values.concat([0])));
    var lagMax = Math.max(10, Math.max.apply(null, samples.map(function (s) { return s.consumerLag || 0; })));
    var n = Math.max(samples.length, 2);
    function x(i) { return left + (w - left - 10) * i / (n - 1); }
    function y(v, m) { return top + (h - top - bottom) * (1 - v / m); }
    svg('line', { x1: left, y1: h - bottom, x2: w - 10, y2: h - bottom, 'class': 'axis' }, chart);
    svg('line', { x1: left, y1: top, x2: left, y2: h - bottom, 'class': 'axis' }, chart);
    svg('text', { x: 2, y: top + 10 }, chart).textContent = Math.round(max) + ' ms';
    svg('text', { x: 2, y: h - bottom }, chart).textContent = '0';
    svg('text', { x: left, y: h - 4 }, chart).textContent = 'p50 (blue), p99 (red), lag (dashed, max ' + lagMax + ')';
    function line(key, cls, m) {
      var points = [];
      samples.forEach(function (s, i) {
        if (s[key] !== null && s[key] !== undefined) { points.push(x(i).toFixed(1) + ',' + y(s[key], m).toFixed(1)); }
      });
      if (points.length > 0) { svg('polyline', { points: points.join(' '), 'class': cls }, chart); }
    }
    line('p50Millis', 'p50', max);
    line('p99Millis', 'p99', max);
    line('consumerLag', 'lag', lagMax);
  }

  function health() {
    var panel = document.getElementById('health');
    if (!panel) { return; }
    var chart = document.getElementById('chart');
    function refresh() {
      fetch(panel.getAttribute('data-source'), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (r) {
          if (r.status === 401) { window.location.assign('/admin'); throw new Error('signed out'); }
          return r.json();
        })
        .then(function (data) {
          var samples = data.samples || [];
          var last = samples.length ? samples[samples.length - 1] : null;
          if (last) {
            text('worker-up', last.workerUp ? 'answering' : 'not answering');
            text('p-interval', last.events ? ms(last.p50Millis) + ' / ' + ms(last.p99Millis) : 'no revocation applied');
            text('p-start', ms(last.p50SinceStartMillis) + ' / ' + ms(last.p99SinceStartMillis));
            text('lag', last.consumerLag === null ? '–' : String(last.consumerLag));
            text('events', last.events === null ? '–' : String(last.events));
            text('late', String(last.lateAnswers));
          }
          draw(chart, samples);
        })
        .catch(function () { /* the next refresh tries again */ });
    }
    refresh();
    window.setInterval(refresh, 3000);
  }

  document.addEventListener('DOMContentLoaded', function () {
    selection();
    confirmation();
    health();
  });
}());
