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


  /* ---------------------------------------------------------------------- */
  /* Care pathway and cost-effectiveness (stores of `remit pathway`)        */
  /* ---------------------------------------------------------------------- */

  var EUR = '€';
  function money(v) { return (v < 0 ? '−' : '') + EUR + d3format(Math.abs(v)); }
  function d3format(v) {
    return Math.round(v).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  }
  /* Each strategy keeps its colour, shape and dash in every chart: its
   * index in `all` (every strategy, scenario order) picks them. */
  function strategyScales(names, field, all) {
    var legend = { title: 'Strategy' };
    all = all || names;
    function range(list) {
      return names.map(function (n) { var i = all.indexOf(n); return list[(i < 0 ? 0 : i) % list.length]; });
    }
    return {
      color: { field: field, type: 'nominal', scale: { domain: names, range: range(COLOURS) }, legend: legend },
      shape: { field: field, type: 'nominal', scale: { domain: names, range: range(SHAPES) }, legend: legend },
      strokeDash: { field: field, type: 'nominal', scale: { domain: names, range: range(DASHES) }, legend: legend }
    };
  }

  function pwWait(d) {
    var names = ['Referral to infusion', 'Vein to vein (first apheresis to infusion)'];
    var qn = ['10th percentile', 'median', '90th percentile'];
    var dashes = ['median', '10th / 90th percentile'];
    /* One histogram per measure (hconcat, so each is binned over its own range). */
    var panels = [0, 1].filter(function (m) {
      return d.rows.some(function (r) { return r[m] !== null; });
    }).map(function (m) {
      var rows = [];
      d.rows.forEach(function (r) { if (r[m] !== null) rows.push({ t: 'p', v: r[m] }); });
      d.q.forEach(function (q) {
        if (q[0] === m && q[2] !== null) rows.push({ t: 'q', q: qn[q[1]], dash: dashes[q[1] === 1 ? 0 : 1], v: q[2] });
      });
      var xTitle = names[m] + ' (days)';
      return {
        width: 400, height: 220, data: { values: rows },
        layer: [
          { transform: [{ filter: "datum.t === 'p'" }],
            mark: { type: 'bar', color: '#0072B2', opacity: 0.75, stroke: '#fff', strokeWidth: 0.5 },
            encoding: {
              x: { field: 'v', type: 'quantitative', bin: { maxbins: 30 }, title: xTitle, axis: { format: '~g' } },
              y: { aggregate: 'count', type: 'quantitative', title: 'Treated patients (n)', axis: { tickMinStep: 1, format: 'd' } },
              tooltip: [{ field: 'v', bin: { maxbins: 30 }, title: 'days' }, { aggregate: 'count', title: 'patients' }] } },
          { transform: [{ filter: "datum.t === 'q'" }],
            mark: { type: 'rule', strokeWidth: 2, color: '#000' },
            encoding: {
              x: { field: 'v', type: 'quantitative', title: xTitle },
              strokeDash: { field: 'dash', type: 'nominal', title: 'Quantile', scale: { domain: dashes, range: [[1, 0], [5, 3]] } },
              tooltip: [{ field: 'q', title: 'quantile' }, { field: 'v', title: 'days', format: '.1f' }] } }
        ]
      };
    });
    return { hconcat: panels, resolve: { scale: { strokeDash: 'shared' } } };
  }

  function pwCentre(d) {
    var rows = d.rows.map(function (r) {
      return { centre: r[0], year: 'year ' + r[1], n: r[2], lo: r[3], hi: r[4] };
    });
    var centres = [];
    rows.forEach(function (r) { if (centres.indexOf(r.centre) < 0) centres.push(r.centre); });
    var yTitle = 'Patients treated (per year)';
    var enc = { x: { field: 'year', type: 'ordinal', title: 'Year of infusion', axis: { labelAngle: 0 } },
                xOffset: { field: 'centre', type: 'nominal', sort: centres } };
    var layers = [
      { mark: { type: 'bar', stroke: '#333', strokeWidth: 0.5 },
        encoding: Object.assign({
          y: { field: 'n', type: 'quantitative', title: yTitle },
          color: { field: 'centre', type: 'nominal', title: 'Centre', scale: { domain: centres, range: pick(COLOURS, centres.length) } },
          tooltip: [{ field: 'centre' }, { field: 'year' }, { field: 'n', title: 'treated (mean)', format: '.1f' },
                    { field: 'lo', title: 'lowest replicate' }, { field: 'hi', title: 'highest replicate' }] }, enc) },
      { mark: { type: 'text', baseline: 'bottom', dy: -3, fontSize: 10 },
        encoding: Object.assign({ y: { field: 'top', type: 'quantitative', title: yTitle }, text: { field: 'centre' } }, enc),
        transform: [{ calculate: d.reps > 1 ? 'max(datum.hi, datum.n)' : 'datum.n', as: 'top' }] }
    ];
    if (d.reps > 1) {
      layers.splice(1, 0, { mark: { type: 'rule', strokeWidth: 1.2 },
        encoding: Object.assign({ y: { field: 'lo', type: 'quantitative', title: yTitle }, y2: { field: 'hi' } }, enc) });
    }
    return { width: 'container', height: 240, data: { values: rows }, layer: layers };
  }

  function pwUtil(d) {
    var rows = d.rows.map(function (r) {
      var kind = r[0].split('/').pop().replace(/_/g, ' ');
      return { res: r[0], kind: kind, cap: r[1], u: r[2], q: r[3],
               label: (r[2] === null ? 'NA' : r[2].toFixed(1)) + ' % of ' + r[1] };
    });
    var order = rows.map(function (r) { return r.res; });
    var kinds = [];
    rows.forEach(function (r) { if (kinds.indexOf(r.kind) < 0) kinds.push(r.kind); });
    var y = { field: 'res', type: 'nominal', title: 'Resource', sort: order };
    var xTitle = 'Utilisation (% of capacity)';
    return {
      width: 'container', height: Math.max(120, 22 * rows.length),
      data: { values: rows },
      layer: [
        { mark: { type: 'bar', stroke: '#333', strokeWidth: 0.5 },
          encoding: { y: y, x: { field: 'u', type: 'quantitative', title: xTitle, scale: { domain: [0, 100] } },
                      color: { field: 'kind', type: 'nominal', title: 'Kind', scale: { domain: kinds, range: pick(COLOURS, kinds.length) } },
                      tooltip: [{ field: 'res', title: 'resource' }, { field: 'cap', title: 'capacity (units)' },
                                { field: 'u', title: 'utilisation (%)', format: '.1f' }, { field: 'q', title: 'mean queue', format: '.2f' }] } },
        { mark: { type: 'text', align: 'left', dx: 4, fontSize: 10 },
          encoding: { y: y, x: { field: 'u', type: 'quantitative', title: xTitle }, text: { field: 'label' } } }
      ]
    };
  }

  function pwDrop(d) {
    var rows = d.rows.map(function (r) {
      return { reason: r[0], n: r[1], pct: r[2], lo: r[3], hi: r[4],
               label: r[1] + ' (' + (r[2] === null ? 'NA' : r[2].toFixed(1)) + ' %)' };
    });
    var y = { field: 'reason', type: 'nominal', title: 'Reason', sort: rows.map(function (r) { return r.reason; }), axis: { labelLimit: 320 } };
    var xTitle = 'Referred patients (%)';
    var xmax = Math.max.apply(null, rows.map(function (r) { return r.hi || 0; }).concat([1]));
    var x = { field: 'pct', type: 'quantitative', title: xTitle, scale: { domain: [0, Math.min(100, Math.ceil(xmax * 1.3))] } };
    return {
      width: 'container', height: Math.max(120, 24 * rows.length),
      data: { values: rows },
      layer: [
        { mark: { type: 'bar', color: '#D55E00', stroke: '#333', strokeWidth: 0.5 },
          encoding: { y: y, x: x, tooltip: [{ field: 'reason' }, { field: 'n', title: 'patients' },
                      { field: 'pct', title: '% of referred', format: '.1f' },
                      { field: 'lo', title: 'lower 95 %', format: '.1f' }, { field: 'hi', title: 'upper 95 %', format: '.1f' }] } },
        { mark: { type: 'rule', strokeWidth: 1.2 },
          encoding: { y: y, x: { field: 'lo', type: 'quantitative', title: xTitle }, x2: { field: 'hi' } } },
        { mark: { type: 'text', align: 'left', dx: 4, fontSize: 10 },
          encoding: { y: y, x: { field: 'hi', type: 'quantitative', title: xTitle }, text: { field: 'label' } } }
      ]
    };
  }

  function cePlane(d) {
    var rows = d.rows.map(function (r) {
      return { t: 's', s: d.strategies[r[0]], sample: r[1], dq: r[2], dc: r[3] };
    });
    var sums = {};
    rows.forEach(function (r) {
      var m = sums[r.s] || (sums[r.s] = { n: 0, dq: 0, dc: 0 });
      m.n++; m.dq += r.dq; m.dc += r.dc;
    });
    var means = d.strategies.filter(function (s) { return sums[s]; }).map(function (s) {
      return { t: 'm', s: s, dq: sums[s].dq / sums[s].n, dc: sums[s].dc / sums[s].n };
    });
    var all = rows.concat(means);
    var xs = all.map(function (r) { return r.dq; }).concat([0]);
    var ys = all.map(function (r) { return r.dc; }).concat([0]);
    var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
    var y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
    var line = [];
    if (d.wtp && d.wtp > 0) {
      var a = Math.max(x0, y0 / d.wtp), b = Math.min(x1, y1 / d.wtp);
      if (b > a) line = [{ t: 'w', dq: a, dc: a * d.wtp }, { t: 'w', dq: b, dc: b * d.wtp }];
    }
    var s = strategyScales(d.strategies, 's', d.all);
    var xTitle = 'Incremental QALYs vs ' + d.ref + ' (QALY)';
    var yTitle = 'Incremental cost vs ' + d.ref + ' (€)';
    var x = { field: 'dq', type: 'quantitative', title: xTitle, scale: { zero: true, nice: true } };
    var y = { field: 'dc', type: 'quantitative', title: yTitle, scale: { zero: true, nice: true }, axis: { format: ',.0f' } };
    var layers = [
      { data: { values: [{ z: 0 }] }, mark: { type: 'rule', color: '#888', strokeWidth: 1 }, encoding: { x: { datum: 0, type: 'quantitative', title: xTitle } } },
      { data: { values: [{ z: 0 }] }, mark: { type: 'rule', color: '#888', strokeWidth: 1 }, encoding: { y: { datum: 0, type: 'quantitative', title: yTitle } } },
      { data: { values: rows },
        mark: { type: 'point', filled: true, opacity: 0.45, size: 28 },
        encoding: { x: x, y: y, color: s.color, shape: s.shape,
                    tooltip: [{ field: 's', title: 'strategy' }, { field: 'sample', title: 'PSA sample' },
                              { field: 'dq', title: 'incremental QALYs', format: '.3f' },
                              { field: 'dc', title: 'incremental cost (€)', format: ',.0f' }] } },
      { data: { values: means },
        mark: { type: 'point', filled: true, size: 220, stroke: '#000', strokeWidth: 1.5, opacity: 1 },
        encoding: { x: x, y: y, color: s.color, shape: s.shape,
                    tooltip: [{ field: 's', title: 'strategy (mean)' }, { field: 'dq', title: 'incremental QALYs', format: '.3f' },
                              { field: 'dc', title: 'incremental cost (€)', format: ',.0f' }] } }
    ];
    if (line.length) {
      layers.push({ data: { values: line }, mark: { type: 'line', color: '#000', strokeDash: [6, 4], strokeWidth: 1.5 },
                    encoding: { x: x, y: y } });
      layers.push({ data: { values: [line[1]] }, mark: { type: 'text', align: 'right', dx: -4, dy: -8, fontSize: 11 },
                    encoding: { x: x, y: y, text: { value: 'WTP ' + money(d.wtp) + '/QALY' } } });
    }
    return { width: 'container', height: 340, layer: layers };
  }

  function ceac(d) {
    var rows = d.rows.map(function (r) {
      return { wtp: r[0], s: d.strategies[r[1]], p: r[2], f: r[3] };
    });
    var s = strategyScales(d.strategies, 's');
    var x = { field: 'wtp', type: 'quantitative', title: 'Willingness to pay (€/QALY)', axis: { format: ',.0f' } };
    var yTitle = 'Probability cost-effective (%)';
    var y = { field: 'p', type: 'quantitative', title: yTitle, scale: { domain: [0, 1] }, axis: { format: '.0%' } };
    var tip = [{ field: 's', title: 'strategy' }, { field: 'wtp', title: 'WTP (€/QALY)', format: ',.0f' },
               { field: 'p', title: 'probability', format: '.1%' }, { field: 'f', title: 'on the frontier (1 = yes)' }];
    return {
      width: 'container', height: 300,
      data: { values: rows },
      layer: [
        { transform: [{ filter: 'datum.f === 1' }],
          mark: { type: 'line', color: '#bbb', strokeWidth: 9, opacity: 0.7, strokeCap: 'round' },
          encoding: { x: x, y: y } },
        { mark: { type: 'line', strokeWidth: 2 },
          encoding: { x: x, y: y, color: s.color, strokeDash: s.strokeDash } },
        { mark: { type: 'point', filled: true, size: 50 },
          encoding: { x: x, y: y, color: s.color, shape: s.shape, tooltip: tip } },
        { transform: [{ filter: 'datum.f === 1' }],
          mark: { type: 'point', shape: 'circle', filled: false, size: 220, color: '#000', strokeWidth: 1.5 },
          encoding: { x: x, y: y, tooltip: tip } }
      ]
    };
  }

  function evpi(d) {
    var rows = d.rows.map(function (r) { return { wtp: r[0], v: r[1], best: d.strategies[r[2]] }; });
    var s = strategyScales(d.strategies, 'best');
    var x = { field: 'wtp', type: 'quantitative', title: 'Willingness to pay (€/QALY)', axis: { format: ',.0f' } };
    var y = { field: 'v', type: 'quantitative', title: 'EVPI per patient (€)', axis: { format: ',.0f' } };
    return {
      width: 'container', height: 240,
      data: { values: rows },
      layer: [
        { mark: { type: 'line', color: '#333', strokeWidth: 2 }, encoding: { x: x, y: y } },
        { mark: { type: 'point', filled: true, size: 70 },
          encoding: { x: x, y: y, color: Object.assign({}, s.color, { legend: { title: 'Best strategy (frontier)' } }),
                      shape: Object.assign({}, s.shape, { legend: { title: 'Best strategy (frontier)' } }),
                      tooltip: [{ field: 'wtp', title: 'WTP (€/QALY)', format: ',.0f' },
                                { field: 'v', title: 'EVPI per patient (€)', format: ',.0f' }, { field: 'best', title: 'frontier' }] } }
      ]
    };
  }

  function tornado(d) {
    var rows = [];
    d.rows.forEach(function (r) {
      var fmt = function (v) { return Math.abs(v) >= 1000 ? d3format(v) : +v.toPrecision(3); };
      rows.push({ rank: r[0], param: r[1], end: 'low (2.5 %)', value: r[2], inmb: r[4], label: fmt(r[2]) + ' ' + r[6] });
      rows.push({ rank: r[0], param: r[1], end: 'high (97.5 %)', value: r[3], inmb: r[5], label: fmt(r[3]) + ' ' + r[6] });
    });
    rows.forEach(function (r) { r.base = d.base; r.right = r.inmb >= d.base; });
    var order = d.rows.map(function (r) { return r[1]; });
    var ends = ['low (2.5 %)', 'high (97.5 %)'];
    var xTitle = 'Incremental net monetary benefit, ' + d.strategy + ' vs ' + d.comparator + ' at ' + money(d.wtp) + '/QALY (€)';
    var y = { field: 'param', type: 'nominal', title: 'Parameter', sort: order };
    var yo = { field: 'end', type: 'nominal', sort: ends };
    /* Room on both sides for the value labels at the bar ends. */
    var vals = rows.map(function (r) { return r.inmb; }).concat([d.base]);
    var lo = Math.min.apply(null, vals), hi = Math.max.apply(null, vals), pad = 0.22 * (hi - lo || Math.abs(d.base) || 1);
    var x = { field: 'inmb', type: 'quantitative', title: xTitle, axis: { format: ',.0f' }, scale: { domain: [lo - pad, hi + pad], nice: false } };
    return {
      width: 'container', height: Math.max(160, 34 * d.rows.length),
      data: { values: rows },
      layer: [
        { mark: { type: 'bar', strokeWidth: 1.2 },
          encoding: { y: y, yOffset: yo, x: x, x2: { field: 'base' },
                      color: { field: 'end', type: 'nominal', title: 'Parameter value', scale: { domain: ends, range: ['#9ecae1', '#08519c'] } },
                      stroke: { field: 'end', type: 'nominal', title: 'Parameter value', scale: { domain: ends, range: ['#08519c', '#08519c'] } },
                      strokeDash: { field: 'end', type: 'nominal', title: 'Parameter value', scale: { domain: ends, range: [[3, 2], [1, 0]] } },
                      tooltip: [{ field: 'param', title: 'parameter' }, { field: 'end', title: 'set to' },
                                { field: 'label', title: 'value' }, { field: 'inmb', title: 'INMB (€)', format: ',.0f' }] } },
        { transform: [{ filter: 'datum.right' }],
          mark: { type: 'text', align: 'left', dx: 3, fontSize: 9 },
          encoding: { y: y, yOffset: yo, x: x, text: { field: 'label' } } },
        { transform: [{ filter: '!datum.right' }],
          mark: { type: 'text', align: 'right', dx: -3, fontSize: 9 },
          encoding: { y: y, yOffset: yo, x: x, text: { field: 'label' } } },
        { data: { values: [{ base: d.base }] },
          mark: { type: 'rule', color: '#000', strokeWidth: 1.5 },
          encoding: { x: { field: 'base', type: 'quantitative', title: xTitle } } }
      ]
    };
  }

  function compare(d) {
    var names = ['referral to infusion', 'vein to vein'];
    var rows = d.rows.map(function (r) {
      return { sc: r[0], m: names[r[1]], lo: r[2], med: r[3], hi: r[4] };
    });
    var order = [];
    rows.forEach(function (r) { if (order.indexOf(r.sc) < 0) order.push(r.sc); });
    var xTitle = 'Time from referral or apheresis to infusion (days)';
    var enc = { y: { field: 'sc', type: 'nominal', title: 'Scenario', sort: order },
                yOffset: { field: 'm', type: 'nominal', sort: names },
                color: { field: 'm', type: 'nominal', title: 'Time', scale: { domain: names, range: ['#0072B2', '#D55E00'] } } };
    return {
      width: 'container', height: Math.max(100, 50 * order.length),
      data: { values: rows },
      layer: [
        { mark: { type: 'rule', strokeWidth: 2 },
          encoding: Object.assign({ x: { field: 'lo', type: 'quantitative', title: xTitle }, x2: { field: 'hi' } }, enc) },
        { mark: { type: 'point', filled: true, size: 90 },
          encoding: Object.assign({ x: { field: 'med', type: 'quantitative', title: xTitle },
                                    shape: { field: 'm', type: 'nominal', title: 'Time', scale: { domain: names, range: ['circle', 'square'] } },
                                    tooltip: [{ field: 'sc', title: 'scenario' }, { field: 'm', title: 'time' },
                                              { field: 'med', title: 'median (days)', format: '.1f' },
                                              { field: 'lo', title: 'P10', format: '.1f' }, { field: 'hi', title: 'P90', format: '.1f' }] }, enc) }
      ]
    };
  }

  var BUILDERS = { trajectory: trajectory, km: km, ae: ae, forest: forest,
                   pw_wait: pwWait, pw_centre: pwCentre, pw_util: pwUtil, pw_drop: pwDrop,
                   ce_plane: cePlane, ceac: ceac, evpi: evpi, tornado: tornado, compare: compare };
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
