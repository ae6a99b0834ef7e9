/* SPDX-License-Identifier: MIT
 *
 * report.js: the charts of a remit report.  Compiled into the library
 * (cmake/RemitEmbed.cmake) and inlined into every report after Vega,
 * Vega-Lite and vega-embed.  Each <div class="chart" data-chart="ID"> names a
 * <script type="application/json" id="ID"> block of compact data written by
 * src/report/report.c; this script turns it into a Vega-Lite spec and draws it
 * with vegaEmbed (SVG renderer; the action menu saves SVG or PNG).
 *
 * Accessibility: arms differ by line dash (and point shape) as well as by
 * colour; grades are written on their bars; every axis title carries a unit.
 *
 * window.remitReport = {charts, rendered, failed, done} lets a test (or a
 * reader's console) check that every chart was drawn.
 */
(function () {
  'use strict';
  var status = { charts: 0, rendered: 0, failed: [], done: false };
  window.remitReport = status;

  /* Colour-blind-safe palette (Okabe & Ito 2008), dashes and shapes per arm. */
  var COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
  var DASHES = [[1, 0], [7, 3], [2, 2], [9, 3, 2, 3], [4, 4], [12, 2], [1, 3]];
  var SHAPES = ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down', 'wedge'];
  var DAY_AXIS = 'Day after infusion (days)';

  function pick(list, n) {
    var out = [];
    for (var i = 0; i < n; i++) out.push(list[i % list.length]);
    return out;
  }

  /* Lines use stroke + strokeDash (one merged legend that shows each arm's
   * colour and dash); bands and points use fill with the same legend. */
  function armScales(arms) {
    var legend = { title: 'Arm', symbolType: 'stroke', symbolStrokeWidth: 2.5, symbolSize: 500, symbolOpacity: 1 };
    var colours = { domain: arms, range: pick(COLOURS, arms.length) };
    return {
      color: { field: 'arm', type: 'nominal', scale: colours, legend: legend },
      fill: { field: 'arm', type: 'nominal', scale: colours, legend: legend },
      strokeDash: { field: 'arm', type: 'nominal', scale: { domain: arms, range: pick(DASHES, arms.length) }, legend: legend }
    };
  }

  function trajectory(d) {
    var rows = [];
    d.band.forEach(function (r) {
      rows.push({ t: 'b', arm: d.arms[r[0]], day: r[1], lo: r[2], med: r[3], hi: r[4] });
    });
    d.ind.forEach(function (r) {
      rows.push({ t: 'i', arm: d.arms[r[0]], id: d.arms[r[0]] + ' #' + r[1], day: r[2], v: r[3] });
    });
    var yTitle = d.title + ' (' + d.unit + (d.log ? ', log scale' : '') + ')';
    var yScale = d.log ? { type: 'log' } : { zero: false };
    var x = { field: 'day', type: 'quantitative', title: DAY_AXIS, scale: { nice: false }, axis: { grid: false } };
    var s = armScales(d.arms);
    function y(field) {
      return { field: field, type: 'quantitative', title: yTitle, scale: yScale };
    }
    return {
      width: 'container', height: 260,
      data: { values: rows },
      layer: [
        { transform: [{ filter: "datum.t === 'b'" }],
          mark: { type: 'area', opacity: 0.16 },
          encoding: { x: x, y: y('lo'), y2: { field: 'hi' }, fill: s.fill } },
        { transform: [{ filter: "datum.t === 'i'" }],
          mark: { type: 'line', strokeWidth: 0.8, opacity: 0.55 },
          encoding: { x: x, y: y('v'), detail: { field: 'id' }, stroke: s.color, strokeDash: s.strokeDash,
                      tooltip: [{ field: 'id', title: 'patient' }, { field: 'day', title: 'day' },
                                { field: 'v', title: d.unit, format: '.3~g' }] } },
        { transform: [{ filter: "datum.t === 'b'" }],
          mark: { type: 'line', strokeWidth: 2.4 },
          encoding: { x: x, y: y('med'), stroke: s.color, strokeDash: s.strokeDash,
                      tooltip: [{ field: 'arm' }, { field: 'day', title: 'day' },
                                { field: 'med', title: 'median (' + d.unit + ')', format: '.3~g' },
                                { field: 'lo', title: '5th percentile', format: '.3~g' },
                                { field: 'hi', title: '95th percentile', format: '.3~g' }] } }
      ]
    };
  }

  function km(d) {
    var rows = d.rows.map(function (r) {
      return { arm: d.arms[r[0]], time: r[1], s: r[2], lo: r[3], hi: r[4], c: r[5] };
    });
    var s = armScales(d.arms);
    var x = { field: 'time', type: 'quantitative', title: DAY_AXIS };
    var yTitle = 'Patients without the event (%)';
    var y = { field: 's', type: 'quantitative', title: yTitle, scale: { domain: [0, 1] }, axis: { format: '.0%' } };
    return {
      width: 'container', height: 260,
      data: { values: rows },
      layer: [
        { transform: [{ filter: 'datum.c === 0 && datum.lo !== null' }],
          mark: { type: 'area', opacity: 0.15, interpolate: 'step-after' },
          encoding: { x: x, y: { field: 'lo', type: 'quantitative', title: yTitle, scale: { domain: [0, 1] } },
                      y2: { field: 'hi' }, fill: s.fill } },
        { transform: [{ filter: 'datum.c === 0' }],
          mark: { type: 'line', strokeWidth: 2.2, interpolate: 'step-after' },
          encoding: { x: x, y: y, stroke: s.color, strokeDash: s.strokeDash,
                      tooltip: [{ field: 'arm' }, { field: 'time', title: 'day' },
                                { field: 's', title: 'without event', format: '.1%' },
                                { field: 'lo', title: 'lower 95 %', format: '.1%' },
                                { field: 'hi', title: 'upper 95 %', format: '.1%' }] } },
        { transform: [{ filter: 'datum.c === 1' }],
          mark: { type: 'point', shape: 'cross', size: 60, filled: true },
          encoding: { x: x, y: y, fill: s.fill,
                      tooltip: [{ field: 'arm' }, { field: 'time', title: 'censored on day' }] } }
      ]
    };
  }

  function ae(d) {
    var rows = d.rows.map(function (r) {
      return { arm: d.arms[r[0]], kind: r[1], grade: 'grade ' + r[2],
               label: 'G' + r[2] + ': ' + r[5].toFixed(1) + ' %',
               n: r[3], N: r[4], pct: r[5], lo: r[6], hi: r[7] };
    });
    var grades = ['grade 1', 'grade 2', 'grade 3', 'grade 4', 'grade 5'];
    var gradeColours = ['#fde0a5', '#fdae61', '#e6550d', '#a63603', '#000000'];
    var xTitle = 'Patients, worst grade (% of treated)';
    var enc = {
      y: { field: 'kind', type: 'nominal', title: 'Event' },
      yOffset: { field: 'grade', type: 'ordinal', sort: grades }
    };
    return {
      data: { values: rows },
      facet: { column: { field: 'arm', type: 'nominal', title: 'Arm', sort: d.arms } },
      spec: {
        width: 300,
        layer: [
          { mark: { type: 'bar', stroke: '#333', strokeWidth: 0.5 },
            encoding: Object.assign({
              x: { field: 'pct', type: 'quantitative', title: xTitle, scale: { domain: [0, 100] } },
              color: { field: 'grade', type: 'ordinal', title: 'Worst grade', scale: { domain: grades, range: gradeColours } },
              tooltip: [{ field: 'arm' }, { field: 'kind', title: 'event' }, { field: 'grade' },
                        { field: 'n', title: 'patients' }, { field: 'N', title: 'of' },
                        { field: 'pct', title: '%', format: '.1f' },
                        { field: 'lo', title: 'lower 95 %', format: '.1f' },
                        { field: 'hi', title: 'upper 95 %', format: '.1f' }]
            }, enc) },
          { mark: { type: 'rule', strokeWidth: 1.2 },
            encoding: Object.assign({ x: { field: 'lo', type: 'quantitative', title: xTitle }, x2: { field: 'hi' } }, enc) },
          { mark: { type: 'text', align: 'left', dx: 4, fontSize: 10 },
            encoding: Object.assign({ x: { field: 'hi', type: 'quantitative', title: xTitle }, text: { field: 'label' } }, enc) }
        ]
      },
      resolve: { scale: { y: 'shared' } }
    };
  }

  function forest(d) {
    var rows = d.rows.map(function (r) {
      return { q: r[0], what: r[1], est: r[2], lo: r[3], hi: r[4], src: r[5] };
    });
    var what = ['published', 'simulated'];
    var enc = {
      y: { field: 'what', type: 'nominal', title: null, scale: { domain: what } },
      color: { field: 'what', type: 'nominal', title: 'Value', scale: { domain: what, range: ['#000000', '#0072B2'] } }
    };
    var xTitle = 'Value (in the unit named on the row)';
    return {
      data: { values: rows },
      facet: { row: { field: 'q', type: 'nominal', title: null, header: { labelAngle: 0, labelAlign: 'left', labelLimit: 320 } } },
      spec: {
        width: 420, height: 44,
        layer: [
          { mark: { type: 'rule', strokeWidth: 1.5 },
            encoding: Object.assign({ x: { field: 'lo', type: 'quantitative', title: xTitle, scale: { zero: false } }, x2: { field: 'hi' } }, enc) },
          { mark: { type: 'point', filled: true, size: 70 },
            encoding: Object.assign({
              x: { field: 'est', type: 'quantitative', title: xTitle },
              shape: { field: 'what', type: 'nominal', title: 'Value', scale: { domain: what, range: ['square', 'circle'] } },
              tooltip: [{ field: 'q', title: 'quantity' }, { field: 'what' }, { field: 'est', title: 'value', format: '.3~g' },
                        { field: 'lo', title: 'lower', format: '.3~g' }, { field: 'hi', title: 'upper', format: '.3~g' },
                        { field: 'src', title: 'source' }]
            }, enc) }
        ]
      },
      resolve: { scale: { x: 'independent' } }
    };
  }

  var BUILDERS = { trajectory: trajectory, km: km, ae: ae, forest: forest };
  var CONFIG = {
    font: 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif',
    axis: { labelFontSize: 11, titleFontSize: 12 },
    legend: { labelFontSize: 11, titleFontSize: 12 },
    view: { stroke: null }
  };

  function finish() {
    if (status.rendered + status.failed.length === status.charts) {
      status.done = true;
      document.body.setAttribute('data-charts', status.failed.length ? 'failed' : 'rendered');
    }
  }

  var charts = document.querySelectorAll('.chart[data-chart]');
  status.charts = charts.length;
  if (typeof vegaEmbed !== 'function') {
    console.error('remit report: the charting library did not load');
    status.failed.push('vegaEmbed missing');
    status.done = true;
    return;
  }
  Array.prototype.forEach.call(charts, function (el) {
    var d = JSON.parse(document.getElementById(el.getAttribute('data-chart')).textContent);
    var spec = BUILDERS[d.type](d);
    spec.config = CONFIG;
    vegaEmbed(el, spec, {
      mode: 'vega-lite',
      renderer: 'svg',
      actions: { export: true, source: false, compiled: false, editor: false },
      downloadFileName: el.id
    }).then(function () {
      status.rendered++;
      el.setAttribute('data-rendered', 'yes');
      finish();
    }).catch(function (err) {
      status.failed.push(el.id + ': ' + err);
      console.error('remit report: chart ' + el.id + ' failed: ' + err);
      finish();
    });
  });
  if (charts.length === 0) finish();
})();
