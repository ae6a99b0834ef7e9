// SPDX-License-Identifier: MIT
//
// check_report.js: opens a remit report in headless Chromium (Debian's
// chromium, driven by playwright-core over the DevTools protocol) and fails
// on any console error, page error or network request (the report must be
// self-contained), or on any chart that did not render to a non-empty SVG.
// Saves a full-page screenshot.
//
// usage: node check_report.js REPORT.html SCREENSHOT.png [EXPECTED_MIN_CHARTS]
// env:   CHROMIUM (default /usr/bin/chromium); NODE_PATH must reach playwright-core.
'use strict';
const path = require('path');
const fs = require('fs');
const { chromium } = require('playwright-core');

async function main() {
  const [html, shot, minChartsArg] = process.argv.slice(2);
  if (!html || !shot) {
    console.error('usage: node check_report.js REPORT.html SCREENSHOT.png [MIN_CHARTS]');
    process.exit(2);
  }
  const minCharts = Number(minChartsArg || 1);
  const problems = [];
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    // playwright gives the browser a fresh temporary profile of its own
    // (the equivalent of --user-data-dir=$(mktemp -d)).
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, offline: true });
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    // Anything but the report itself is a request the report should not make.
    const url = 'file://' + path.resolve(html);
    await page.route('**/*', (route) => {
      const u = route.request().url();
      if (u === url || u.startsWith('data:') || u.startsWith('blob:')) return route.continue();
      problems.push(`network request: ${u}`);
      return route.abort();
    });
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => window.remitReport && window.remitReport.done, null, { timeout: 60000 });
    const res = await page.evaluate(() => {
      const st = window.remitReport;
      const charts = Array.from(document.querySelectorAll('.chart[data-chart]')).map((el) => {
        const svg = el.querySelector('svg');
        const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
        // Drawn marks: paths with geometry, and text (axis labels, legends).
        const marks = svg ? Array.from(svg.querySelectorAll('g.mark-area path, g.mark-line path, g.mark-rect path, g.mark-symbol path, g.mark-rule line'))
          .filter((p) => (p.getAttribute('d') || p.getAttribute('x2') || '').length > 0).length : 0;
        const axisTitles = svg ? Array.from(svg.querySelectorAll('g.role-axis-title text')).map((t) => t.textContent) : [];
        const hasActions = !!el.querySelector('.vega-actions a');
        return { id: el.id, width: box.width, height: box.height, marks, axisTitles, hasActions };
      });
      return { status: { charts: st.charts, rendered: st.rendered, failed: st.failed }, charts,
               sections: Array.from(document.querySelectorAll('section h2')).map((h) => h.textContent) };
    });
    if (res.status.failed.length) problems.push(`charts failed: ${res.status.failed.join('; ')}`);
    if (res.charts.length < minCharts) problems.push(`only ${res.charts.length} charts, expected at least ${minCharts}`);
    for (const c of res.charts) {
      if (!(c.width > 50 && c.height > 50)) problems.push(`${c.id}: empty drawing (${c.width}x${c.height})`);
      if (c.marks < 1) problems.push(`${c.id}: no drawn marks`);
      if (!c.hasActions) problems.push(`${c.id}: no export menu (SVG/PNG)`);
      // Quantitative axes carry a unit in parentheses; categorical ones name a category.
      const categorical = ['Event', 'Year of infusion', 'Resource', 'Reason', 'Parameter', 'Scenario'];
      for (const t of c.axisTitles) {
        if (!/\(.+\)/.test(t) && !categorical.includes(t)) problems.push(`${c.id}: axis title without a unit: '${t}'`);
      }
      console.log(`chart ${c.id}: ${Math.round(c.width)}x${Math.round(c.height)} px, ${c.marks} marks, axes: ${c.axisTitles.join(' | ')}`);
    }
    console.log(`sections: ${res.sections.join(' | ')}`);
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`screenshot: ${shot}`);
  } finally {
    await browser.close();
  }
  if (problems.length) {
    for (const p of problems) console.error(`FAIL ${p}`);
    process.exit(1);
  }
  console.log('PASS report renders in Chromium: no console errors, no network requests, every chart drawn');
}

main().catch((e) => {
  console.error(`FAIL ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
