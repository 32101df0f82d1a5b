// The tape explorer in a real browser: Debian's Chromium, headless, driven by
// playwright-core (explorer_browser.cmake registers this as ctest
// `explorer_browser` and sets the environment below). No request may leave a
// page: every one is recorded and fails the test. Screenshots of each view go
// to $OUT_DIR/explorer-screenshots (CI keeps them); load times and bytes per
// node are printed, never asserted.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const env = (name) => {
  const value = process.env[name];
  assert.ok(value, `environment variable ${name} is not set`);
  return value;
};
const outDir = env('OUT_DIR');
const shots = path.join(outDir, 'explorer-screenshots');
let browser;

before(() => {
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(shots, { recursive: true });
  execFileSync(env('LECTURE'), ['--out', outDir], { stdio: 'ignore' });
  process.stdout.write(execFileSync(env('TAPES'), [outDir]));
  return chromium.launch({ executablePath: env('CHROMIUM'), headless: true, args: ['--no-sandbox'] })
    .then((b) => { browser = b; });
});
after(() => browser && browser.close());

// The record the page embeds, read from the page file itself.
function embeddedRecord(file) {
  const html = fs.readFileSync(path.join(outDir, file), 'utf8');
  const m = html.match(/<script type="application\/json" id="tape-data">([\s\S]*?)<\/script>/);
  assert.ok(m, `${file} has no tape-data block`);
  return JSON.parse(m[1]);
}

// Opens a page; returns it with the console errors and requests it made.
// `withoutDagre` hides the embedded dagre, as a build without npm lacks it.
async function open(file, withoutDagre = false) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  if (withoutDagre) {
    await page.addInitScript(() => Object.defineProperty(window, 'dagre', { get: () => undefined, set: () => {} }));
  }
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push('console error: ' + m.text()); });
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  const url = 'file://' + path.join(outDir, file);
  page.on('request', (r) => { if (r.url() !== url) problems.push('request: ' + r.url()); });
  await page.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));
  const start = Date.now();
  await page.goto(url, { timeout: 120000 });
  await page.waitForSelector('body[data-ready]', { timeout: 120000 });
  const wall = Date.now() - start;
  const ready = Number(await page.getAttribute('body', 'data-ready'));
  return { page, problems, wall, ready };
}

// Numbers as the page prints them ("[[0.00436417, 0.000872834], ...]").
function numbersIn(text) {
  return (text.match(/-?\d+(\.\d+)?(e[-+]?\d+)?|nan|-?inf/g) || []).map(Number);
}
function assertClose(shown, expected, what) {
  assert.equal(shown.length, expected.length, `${what}: ${shown} vs ${expected}`);
  shown.forEach((v, i) => {
    assert.ok(Math.abs(v - expected[i]) <= 1e-5 * Math.abs(expected[i]) + 1e-12,
      `${what}[${i}]: shown ${v}, the JSON holds ${expected[i]}`);
  });
}

test('lecture (the example\'s lecture.html): W(1) shows its gradient, the sweep reaches its last step and ∇W(1), search finds h(1)', async () => {
  const record = embeddedRecord('lecture.html');
  const w1 = record.nodes.find((n) => n.label === 'W(1)');
  const { page, problems, wall, ready } = await open('lecture.html');
  console.log(`lecture.html: ${record.nodes.length} nodes, ready after ${ready.toFixed(0)} ms (${wall} ms wall)`);
  await page.screenshot({ path: path.join(shots, 'lecture-graph.png') });
  assert.match(await page.textContent('#graph-note'), /^13 boxes for 13 nodes · layout: dagre/);

  await page.click(`#graph g.node[data-node-id="${w1.id}"]`);
  assert.equal(await page.textContent('#panel-title'), 'W(1)');
  assertClose(numbersIn(await page.textContent('#panel-grad')), w1.grad, 'W(1) gradient');
  assertClose(numbersIn(await page.textContent('#panel-value')), w1.value, 'W(1) value');
  await page.screenshot({ path: path.join(shots, 'lecture-node-panel.png') });

  await page.click('#tab-sweep');
  const steps = record.trace.steps;
  assert.equal(await page.textContent('#sweep-position'), `step 1 of ${steps.length}`);
  for (let k = 1; k < steps.length; ++k) await page.click('#sweep-next');
  assert.equal(await page.textContent('#sweep-position'), `step ${steps.length} of ${steps.length}`);
  const last = steps[steps.length - 1];
  assert.equal(await page.locator('.edge.active').count(), last.contributions.length);
  const row = page.locator(`#parameter-gradients tr[data-node-id="${w1.id}"]`);
  assert.match(await row.textContent(), /∇W\(1\) L/);
  assertClose(numbersIn(await row.locator('td').nth(2).textContent()), w1.grad, '∇W(1) in the table');
  await page.screenshot({ path: path.join(shots, 'lecture-sweep-last-step.png') });
  await page.click('#sweep-first');
  assert.equal(await page.textContent('#sweep-position'), `step 1 of ${steps.length}`);
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.textContent('#sweep-position'), `step 2 of ${steps.length}`);
  await page.click('#sweep-prev');
  assert.equal(await page.textContent('#sweep-position'), `step 1 of ${steps.length}`);
  // The first step is the loss's: g = 1 arrives, y gets ∂L/∂y.
  assert.deepEqual(numbersIn(await page.textContent('#sweep-g')), steps[0].grad_output.values);

  await page.fill('#search', 'h(1)');
  const h1 = record.nodes.find((n) => n.label === 'h(1)');
  await page.click(`#search-results .hit[data-node-id="${h1.id}"]`);
  assert.equal(await page.textContent('#panel-title'), 'h(1)');
  assert.equal(await page.getAttribute('#node-panel', 'data-node-id'), String(h1.id));

  await page.click('#tab-costs');
  assert.ok(await page.locator('#ledger .bar-row[data-name="matmul ×2"]').count() >= 1);
  await page.screenshot({ path: path.join(shots, 'lecture-cost-ledger.png') });
  await page.click('#tab-list');
  await page.screenshot({ path: path.join(shots, 'lecture-node-list.png') });
  assert.deepEqual(problems, []);
});

test('lecture without dagre: the built-in layered layout draws it, W(1) still shows its gradient', async () => {
  const record = embeddedRecord('lecture.html');
  const w1 = record.nodes.find((n) => n.label === 'W(1)');
  const { page, problems } = await open('lecture.html', true);
  assert.match(await page.textContent('#graph-note'), /^13 boxes for 13 nodes · layout: layered/);
  assert.equal(await page.locator('#graph g.edge').count(), 12);
  await page.click(`#graph g.node[data-node-id="${w1.id}"]`);
  assertClose(numbersIn(await page.textContent('#panel-grad')), w1.grad, 'W(1) gradient');
  await page.screenshot({ path: path.join(shots, 'lecture-layered-layout.png') });
  assert.deepEqual(problems, []);
});

test('a tape with a NaN jumps to its first NaN node', async () => {
  const record = embeddedRecord('nan.html');
  const bad = (s) => s && s.nonfinite > 0;
  const first = record.nodes.find((n) => bad(n.value_summary) || bad(n.grad_summary));
  assert.equal(first.label, 'log x');
  const { page, problems } = await open('nan.html');
  await page.click('#nonfinite-jump');
  assert.equal(await page.getAttribute('#node-panel', 'data-node-id'), String(first.id));
  assert.match(await page.textContent('#panel-value'), /nan/);
  assert.match(await page.getAttribute(`#graph g[data-node-id="${first.id}"]`, 'class'), /nonfinite/);
  await page.screenshot({ path: path.join(shots, 'nan-jump.png') });
  assert.deepEqual(problems, []);
});

test('large tensors show min/mean/max/norm and a histogram, in the node panel and the sweep', async () => {
  const record = embeddedRecord('wide.html');
  const x = record.nodes.find((n) => n.label === 'x');
  const { page, problems } = await open('wide.html');
  await page.click(`#graph g.node[data-node-id="${x.id}"]`);
  const summary = page.locator('#panel-value table.summary');
  assertClose(numbersIn(await summary.textContent()), [-2, 2.95, 7.9, x.value_summary.norm], 'x min/mean/max/norm');
  assert.equal(await page.locator('#panel-value svg.histogram rect').count(), 20);
  assert.ok(await page.locator('#panel-grad svg.histogram').count() === 1);
  await page.click('#tab-sweep');
  await page.click('#sweep-last');  // the product's step: x·x sends 2x to x
  const sent = page.locator('.contribution table.summary');
  assertClose(numbersIn(await sent.textContent()), [-4, 5.9, 15.8, 2 * x.value_summary.norm], 'contribution 2x');
  await page.screenshot({ path: path.join(shots, 'wide-sweep-summary.png') });
  assert.deepEqual(problems, []);
});

for (const file of ['mlp1000.html', 'tape100k.html']) {
  test(`${file}: opens collapsed, its node list virtualised`, async () => {
    const bytes = fs.statSync(path.join(outDir, file)).size;
    const nodes = embeddedRecord(file).nodes.length;
    const { page, problems, wall, ready } = await open(file);
    console.log(`${file}: ${nodes} nodes, ${bytes} bytes (${(bytes / nodes).toFixed(0)} per node), ` +
      `ready after ${ready.toFixed(0)} ms (${wall} ms wall)`);
    const boxes = await page.locator('#graph g.node, #graph g.group').count();
    assert.ok(boxes > 0 && boxes <= 400, `${boxes} boxes drawn`);
    await page.screenshot({ path: path.join(shots, file.replace('.html', '-collapsed.png')) });
    await page.click('#graph g.group >> nth=0');
    const members = await page.locator('#graph g.node').count();
    assert.ok(members >= 4, `${members} nodes drawn after expanding a group`);
    // Past 400 boxes the page lays out with its own layered layout, not dagre.
    const note = await page.textContent('#graph-note');
    assert.match(note, boxes - 1 + members > 400 ? /layout: layered/ : /layout: dagre/);
    await page.screenshot({ path: path.join(shots, file.replace('.html', '-expanded.png')) });
    await page.click('#tab-list');
    const rows = await page.locator('#node-list .row').count();
    assert.ok(rows > 0 && rows < 100, `${rows} rows in the DOM for ${nodes} nodes`);
    await page.fill('#search', 'L');
    await page.keyboard.press('Enter');
    assert.equal(await page.textContent('#panel-title'), 'L');
    assert.deepEqual(problems, []);
  });
}
