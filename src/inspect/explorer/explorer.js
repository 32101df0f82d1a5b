// The tape explorer (html.cpp inlines this file after the record's JSON).
// Plain DOM and SVG, no framework: the page must open from a file, offline.
// Views: the graph (pan/zoom, label-prefix groups), the node panel, the
// backward-sweep stepper, the cost ledger and a virtualised node list.
(function () {
  'use strict';

  // Above this many nodes, nodes without a label prefix are grouped by id
  // range too, so a first drawing never holds more than a few hundred boxes.
  const kCollapseAbove = 300;
  // Drawn items (nodes and groups) at which the layout switches from dagre
  // (crossing minimisation, slow past a few hundred) to the layered one below.
  const kDagreLimit = 400;
  // Tensors of at most this many elements are shown element by element.
  const kFullValues = 64;
  const kHistogramBins = 20;
  // The least zoom "fit" goes down to before it shows the graph's start instead.
  const kSmallestFit = 0.25;

  // ---- data ---------------------------------------------------------------

  // The JSON file writes NaN and ±Inf as strings (json_layout.hpp).
  function num(x) {
    if (x === 'nan') return NaN;
    if (x === 'inf') return Infinity;
    if (x === '-inf') return -Infinity;
    return x;
  }
  function nums(xs) { return xs ? xs.map(num) : xs; }
  function fixSummary(s) {
    if (!s) return s;
    for (const k of ['min', 'mean', 'max', 'norm']) s[k] = num(s[k]);
    return s;
  }

  const tape = JSON.parse(document.getElementById('tape-data').textContent);
  const attributeTexts = JSON.parse(document.getElementById('tape-attributes').textContent);
  const nodes = tape.nodes;
  for (const n of nodes) {
    n.value = nums(n.value);
    n.grad = nums(n.grad);
    fixSummary(n.value_summary);
    fixSummary(n.grad_summary);
  }
  const trace = tape.trace || null;
  if (trace) {
    for (const step of trace.steps) {
      step.grad_output.values = nums(step.grad_output.values);
      for (const c of step.contributions) c.gradient.values = nums(c.gradient.values);
    }
  }

  function hasNonfinite(n) {
    return n.value_summary.nonfinite > 0 || (n.grad_summary && n.grad_summary.nonfinite > 0);
  }
  const nonfiniteIds = nodes.filter(hasNonfinite).map((n) => n.id);

  function displayName(n) { return n.label || (n.op ? n.op : n.kind) + ' #' + n.id; }

  // ---- text helpers ----------------------------------------------------------

  // 6 significant digits, as the C++ printouts (text_support.cpp).
  function fmtNum(x) {
    if (Number.isNaN(x)) return 'nan';
    if (x === Infinity) return 'inf';
    if (x === -Infinity) return '-inf';
    if (x === 0) return '0';
    return String(Number(x.toPrecision(6)));
  }
  function shapeText(shape) {
    return shape.length === 1 ? '(' + shape[0] + ',)' : '(' + shape.join(', ') + ')';
  }
  function count(shape) { return shape.reduce((a, b) => a * b, 1); }
  // Nested brackets following the shape: "[[1, 2], [3, 4]]".
  function valuesText(shape, values) {
    let at = 0;
    function block(axis) {
      if (axis === shape.length) return fmtNum(values[at++]);
      const parts = [];
      for (let i = 0; i < shape[axis]; ++i) parts.push(block(axis + 1));
      return '[' + parts.join(', ') + ']';
    }
    return count(shape) === 0 ? '[]' : block(0);
  }
  function bigNum(x) { return Number(x).toLocaleString('en-US'); }
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined) continue;
      if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c);
    return e;
  }
  const svgNs = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs) {
    const e = document.createElementNS(svgNs, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  }
  // A link to a node; inside the sweep it selects without leaving the sweep.
  function nodeLink(id, stay) {
    return el('a', { class: 'node-link', 'data-node-id': id, onclick: () => selectNode(id, stay) },
      displayName(nodes[id]) + ' (' + id + ')');
  }

  // A tensor: every element when small and recorded, else its summary and,
  // when the elements were recorded, a histogram.
  // The summary the record keeps for node tensors (TensorSummary), made here
  // for the trace's, which carry only their elements.
  function summarize(values) {
    const finite = values.filter(Number.isFinite);
    let sum = 0, squares = 0;
    for (const v of finite) { sum += v; squares += v * v; }
    return {
      min: finite.reduce((a, b) => Math.min(a, b), finite.length ? Infinity : 0),
      max: finite.reduce((a, b) => Math.max(a, b), finite.length ? -Infinity : 0),
      mean: finite.length ? sum / finite.length : 0,
      norm: Math.sqrt(squares),
      nonfinite: values.length - finite.length,
    };
  }

  function tensorView(shape, values, summary, id) {
    const box = el('div', { class: 'tensor', id: id });
    if (values && values.length && values.length <= kFullValues) {
      const text = el('div', { class: 'values' }, valuesText(shape, values));
      if (values.some((v) => !Number.isFinite(v))) text.classList.add('bad-value');
      box.append(text);
      return box;
    }
    if (!summary && values && values.length) summary = summarize(values);
    if (summary) {
      const t = el('table', { class: 'summary' });
      for (const k of ['min', 'mean', 'max', 'norm'])
        t.append(el('tr', {}, el('th', {}, k), el('td', {}, fmtNum(summary[k]))));
      if (summary.nonfinite)
        t.append(el('tr', { class: 'bad-value' }, el('th', {}, 'NaN/Inf'),
          el('td', {}, String(summary.nonfinite))));
      box.append(t);
    }
    if (values && values.length) box.append(histogram(values));
    return box;
  }

  function histogram(values) {
    const finite = values.filter(Number.isFinite);
    const low = finite.reduce((a, b) => Math.min(a, b), Infinity);
    const hi = finite.reduce((a, b) => Math.max(a, b), -Infinity);
    const bins = new Array(kHistogramBins).fill(0);
    const width = hi - low || 1;
    for (const v of finite)
      bins[Math.min(kHistogramBins - 1, Math.floor(((v - low) / width) * kHistogramBins))]++;
    const top = Math.max(1, ...bins);
    const s = svg('svg', { class: 'histogram', width: 240, height: 64 });
    bins.forEach((b, i) => {
      const h = (b / top) * 50;
      s.append(svg('rect', { x: i * 12, y: 52 - h, width: 11, height: h }));
    });
    const caption = svg('text', { x: 0, y: 63, 'font-size': 9 });
    caption.textContent = fmtNum(low) + ' … ' + fmtNum(hi) + ' (' + finite.length + ' finite)';
    s.append(caption);
    return s;
  }

  // ---- groups ----------------------------------------------------------------

  // A node's group: its label's prefix before the first '.' ("fc1.W" → "fc1"),
  // or on a large tape its id range when it has no prefix.
  const prefixOf = nodes.map((n) => {
    const dot = n.label.indexOf('.');
    return dot > 0 ? n.label.slice(0, dot) : null;
  });
  const groupOf = new Array(nodes.length);
  (function assignGroups() {
    const loose = prefixOf.filter((p) => p === null).length;
    const prefixes = new Set(prefixOf.filter((p) => p !== null)).size;
    if (nodes.length <= kCollapseAbove) {
      prefixOf.forEach((p, i) => { groupOf[i] = p; });
    } else if (prefixes + Math.ceil(loose / kCollapseAbove) <= kDagreLimit) {
      // A few loose nodes (the input, the loss) stay boxes of their own.
      const range = loose > kCollapseAbove;
      prefixOf.forEach((p, i) => { groupOf[i] = p !== null ? p : range ? rangeName(i, kCollapseAbove) : null; });
    } else {
      // Too many prefixes to draw: every node goes by id range, at most 100 ranges.
      const size = Math.max(kCollapseAbove, Math.ceil(nodes.length / 100));
      prefixOf.forEach((p, i) => { groupOf[i] = rangeName(i, size); });
    }
  })();
  function rangeName(id, size) {
    const start = Math.floor(id / size) * size;
    return 'nodes ' + start + '–' + (Math.min(nodes.length, start + size) - 1);
  }
  const groupMembers = new Map();
  groupOf.forEach((g, i) => {
    if (g === null) return;
    if (!groupMembers.has(g)) groupMembers.set(g, []);
    groupMembers.get(g).push(i);
  });
  const expanded = new Set();

  // ---- the graph -------------------------------------------------------------

  const state = { selected: null, step: -1, playing: null, view: { x: 0, y: 0, k: 1 } };
  const graphEl = svg('svg', { id: 'graph' });
  const viewport = svg('g', { id: 'viewport' });
  graphEl.append(viewport);
  let drawn = { items: new Map(), edges: new Map(), itemOfNode: [] };

  function itemKey(id) {
    const g = groupOf[id];
    return g !== null && !expanded.has(g) ? 'g:' + g : 'n:' + id;
  }

  function boxSize(lines) {
    const longest = Math.max(...lines.map((l) => l.length));
    return { width: Math.min(220, 14 + longest * 6.4), height: 8 + lines.length * 13 };
  }

  function nodeLines(n) {
    const lines = [];
    if (n.label) lines.push(n.label);
    lines.push(n.op || n.kind);
    for (const text of attributeTexts[n.id] || []) lines.push(text);
    if (n.grad_summary) lines.push('grad norm ' + fmtNum(n.grad_summary.norm));
    return lines;
  }

  // The drawn items and edges for the current expansion.
  function buildItems() {
    const items = new Map();
    const itemOfNode = new Array(nodes.length);
    for (const n of nodes) {
      const key = itemKey(n.id);
      itemOfNode[n.id] = key;
      if (items.has(key)) continue;
      if (key.startsWith('g:')) {
        const name = key.slice(2);
        const members = groupMembers.get(name);
        const bad = members.some((i) => hasNonfinite(nodes[i]));
        const lines = [name + ' ▸', members.length + ' nodes'];
        items.set(key, { key, group: name, lines, bad, order: n.id, ...boxSize(lines) });
      } else {
        const lines = nodeLines(n);
        items.set(key, { key, node: n.id, lines, bad: hasNonfinite(n), order: n.id, ...boxSize(lines) });
      }
    }
    const edges = new Map();
    for (const n of nodes) {
      const to = itemOfNode[n.id];
      for (const input of n.inputs) {
        const from = itemOfNode[input];
        if (from === to) continue;
        const key = from + '>' + to;
        if (!edges.has(key))
          edges.set(key, { key, from, to, label: shapeText(nodes[input].shape) });
      }
    }
    return { items, edges, itemOfNode };
  }

  function layoutWithDagre(items, edges) {
    const g = new window.dagre.graphlib.Graph({ multigraph: false });
    g.setGraph({ rankdir: 'TB', nodesep: 18, ranksep: 36, edgesep: 8 });
    g.setDefaultEdgeLabel(() => ({}));
    for (const it of items.values()) g.setNode(it.key, { width: it.width, height: it.height });
    for (const e of edges.values())
      g.setEdge(e.from, e.to, { width: e.label.length * 5, height: 10, labelpos: 'c' });
    window.dagre.layout(g);
    for (const it of items.values()) Object.assign(it, { x: g.node(it.key).x, y: g.node(it.key).y });
    for (const e of edges.values()) {
      const info = g.edge(e.from, e.to);
      e.points = info.points;
      e.labelAt = { x: info.x, y: info.y };
    }
  }

  // The built-in layout: a node's row is one below its lowest input's
  // (recording order is topological, so one pass suffices) and a leaf sits
  // one row above its first reader, not all leaves on the top row. Each row,
  // top down, is ordered by where its inputs are (leaves: their readers'
  // order), and boxes move right only as far as they must not overlap.
  function layoutLayered(items, edges) {
    const ordered = [...items.values()].sort((a, b) => a.order - b.order);
    const position = new Map(ordered.map((it, i) => [it.key, i]));
    const incoming = new Map(), outgoing = new Map();
    for (const e of edges.values()) {
      if (position.get(e.from) >= position.get(e.to)) continue;  // groups may form cycles
      (incoming.get(e.to) || incoming.set(e.to, []).get(e.to)).push(e.from);
      (outgoing.get(e.from) || outgoing.set(e.from, []).get(e.from)).push(e.to);
    }
    const rank = new Map();
    for (const it of ordered)
      rank.set(it.key, Math.max(0, ...(incoming.get(it.key) || []).map((f) => rank.get(f) + 1)));
    for (const it of ordered) {
      const readers = outgoing.get(it.key);
      if (!incoming.has(it.key) && readers)
        rank.set(it.key, Math.max(0, Math.min(...readers.map((t) => rank.get(t))) - 1));
    }
    const rows = [];
    for (const it of ordered) (rows[rank.get(it.key)] ||= []).push(it);
    const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    let y = 20;
    for (const row of rows) {
      if (!row) continue;
      // Boxes with inputs go under them; then a leaf goes beside its
      // reader's other inputs (fc1.W beside fc0.h, both read by fc1.a).
      const wanted = new Map();
      row.forEach((it, i) => {
        const inputs = (incoming.get(it.key) || []).map((f) => items.get(f).x);
        if (inputs.length) wanted.set(it.key, mean(inputs));
        else if (!outgoing.has(it.key)) wanted.set(it.key, i * 60);
      });
      row.forEach((it, i) => {
        if (wanted.has(it.key)) return;
        const beside = [];
        for (const reader of outgoing.get(it.key))
          for (const f of incoming.get(reader) || []) {
            const x = wanted.has(f) ? wanted.get(f) : items.get(f).x;
            if (x !== undefined && rank.get(f) <= rank.get(it.key)) beside.push(x);
          }
        wanted.set(it.key, beside.length ? mean(beside) + 1 : i * 60);
      });
      row.sort((a, b) => wanted.get(a.key) - wanted.get(b.key));
      let x = 20;
      const height = Math.max(...row.map((it) => it.height));
      for (const it of row) {
        it.x = Math.max(x + it.width / 2, wanted.get(it.key));
        it.y = y + height / 2;
        x = it.x + it.width / 2 + 18;
      }
      y += height + 40;
    }
    for (const e of edges.values()) {
      const a = items.get(e.from), b = items.get(e.to);
      e.points = [{ x: a.x, y: a.y + a.height / 2 }, { x: b.x, y: b.y - b.height / 2 }];
      e.labelAt = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    }
  }

  function drawGraph() {
    drawn = buildItems();
    const { items, edges } = drawn;
    const useDagre = window.dagre && items.size <= kDagreLimit;
    (useDagre ? layoutWithDagre : layoutLayered)(items, edges);
    viewport.replaceChildren();
    for (const e of edges.values()) {
      const g = svg('g', { class: 'edge', 'data-edge': e.key });
      const d = 'M' + e.points.map((p) => p.x.toFixed(1) + ',' + p.y.toFixed(1)).join(' L');
      g.append(svg('path', { d, 'marker-end': 'url(#arrow)' }));
      if (items.size <= kDagreLimit) {
        const t = svg('text', { x: e.labelAt.x + 3, y: e.labelAt.y });
        t.textContent = e.label;
        g.append(t);
      }
      e.el = g;
      viewport.append(g);
    }
    for (const it of items.values()) {
      const n = it.node !== undefined ? nodes[it.node] : null;
      let cls = n ? 'node ' + n.kind : 'group';
      if (n && tape.output === n.id) cls += ' output';
      if (it.bad) cls += ' nonfinite';
      const g = svg('g', { class: cls, transform: 'translate(' + (it.x - it.width / 2) + ',' + (it.y - it.height / 2) + ')' });
      if (n) g.setAttribute('data-node-id', n.id);
      else g.setAttribute('data-group', it.group);
      g.append(svg('rect', { width: it.width, height: it.height, rx: n && n.kind === 'op' ? 10 : 2 }));
      it.lines.forEach((line, i) => {
        const t = svg('text', { x: it.width / 2, y: 15 + i * 13, 'text-anchor': 'middle' });
        t.textContent = line;
        g.append(t);
      });
      g.addEventListener('click', (ev) => {
        ev.stopPropagation();
        if (n) selectNode(n.id);
        else { expanded.add(it.group); drawGraph(); }
      });
      it.el = g;
      viewport.append(g);
    }
    graphNote.textContent = items.size + ' boxes for ' + nodes.length + ' nodes · layout: ' +
      (useDagre ? 'dagre' : 'layered') + (groupMembers.size ? ' · click a group to expand it' : '');
    markSelection();
  }

  function applyView() {
    const v = state.view;
    viewport.setAttribute('transform', 'translate(' + v.x + ',' + v.y + ') scale(' + v.k + ')');
  }
  function fitView() {
    const box = viewport.getBBox();
    const w = graphEl.clientWidth || 800, h = graphEl.clientHeight || 600;
    const k = Math.min(2, w / (box.width + 40), h / (box.height + 40));
    // A long tape would fit only as a hairline: show its start, readable, instead.
    if (k < kSmallestFit) state.view = { k: 0.6, x: 20 - box.x * 0.6, y: 20 - box.y * 0.6 };
    else state.view = { k, x: (w - box.width * k) / 2 - box.x * k, y: 20 - box.y * k };
    applyView();
  }
  function centerOn(key) {
    const it = drawn.items.get(key);
    if (!it) return;
    const w = graphEl.clientWidth || 800, h = graphEl.clientHeight || 600;
    const k = Math.max(state.view.k, 0.8);
    state.view = { k, x: w / 2 - it.x * k, y: h / 2 - it.y * k };
    applyView();
  }
  // Pan by dragging, zoom with the wheel around the pointer.
  (function panZoom() {
    let drag = null;
    graphEl.addEventListener('mousedown', (e) => {
      drag = { x: e.clientX - state.view.x, y: e.clientY - state.view.y };
      graphEl.classList.add('panning');
    });
    window.addEventListener('mousemove', (e) => {
      if (!drag) return;
      state.view.x = e.clientX - drag.x;
      state.view.y = e.clientY - drag.y;
      applyView();
    });
    window.addEventListener('mouseup', () => { drag = null; graphEl.classList.remove('panning'); });
    graphEl.addEventListener('wheel', (e) => {
      e.preventDefault();
      const r = graphEl.getBoundingClientRect();
      const px = e.clientX - r.left, py = e.clientY - r.top;
      const f = Math.exp(-e.deltaY * 0.0015);
      const v = state.view;
      v.x = px - (px - v.x) * f;
      v.y = py - (py - v.y) * f;
      v.k *= f;
      applyView();
    }, { passive: false });
  })();

  function markSelection() {
    for (const it of drawn.items.values())
      it.el.classList.toggle('selected-node', it.node !== undefined && it.node === state.selected);
  }

  // ---- node panel ---------------------------------------------------------------

  const nodePanel = el('div', { id: 'node-panel' }, 'Click a node in the graph, the list or a search result.');

  function costRows(cost, saved) {
    const t = el('table', { class: 'cost' },
      el('tr', {}, el('th', {}, ''), el('th', {}, 'FLOPs'), el('th', {}, 'bytes')));
    t.append(el('tr', {}, el('th', {}, 'forward'), el('td', {}, bigNum(cost.forward_flops)), el('td', {}, bigNum(cost.forward_bytes))));
    t.append(el('tr', {}, el('th', {}, 'backprop'), el('td', {}, bigNum(cost.backprop_flops)), el('td', {}, bigNum(cost.backprop_bytes))));
    t.append(el('tr', {}, el('th', {}, 'saved'), el('td', {}, ''), el('td', {}, bigNum(saved))));
    return t;
  }

  function selectNode(id, stay) {
    const n = nodes[id];
    const g = groupOf[id];
    if (g !== null && !expanded.has(g)) { expanded.add(g); drawGraph(); }
    state.selected = id;
    markSelection();
    centerOn('n:' + id);
    const facts = el('table', { class: 'facts' });
    const row = (k, v) => facts.append(el('tr', {}, el('th', {}, k), el('td', {}, v)));
    row('node', String(n.id));
    row('label', n.label || '—');
    row('kind', n.kind);
    if (n.op) row('op', n.op);
    if (n.formula) row('formula', n.formula);
    const attrs = attributeTexts[n.id];
    if (attrs) row('attributes', attrs.join(', '));
    const inputs = el('span', {});
    n.inputs.forEach((i, k) => { if (k) inputs.append(', '); inputs.append(nodeLink(i)); });
    row('inputs', n.inputs.length ? inputs : '—');
    row('shape', shapeText(n.shape));
    row('dtype', tape.dtype);
    row('requires grad', n.requires_grad ? 'yes' : 'no');
    nodePanel.replaceChildren(el('h2', { id: 'panel-title' }, displayName(n)), facts,
      el('h3', {}, 'value'), tensorView(n.shape, n.value, n.value_summary, 'panel-value'));
    nodePanel.setAttribute('data-node-id', id);
    nodePanel.append(el('h3', {}, 'gradient ∂L/∂node'));
    if (n.grad_summary) nodePanel.append(tensorView(n.shape, n.grad, n.grad_summary, 'panel-grad'));
    else nodePanel.append(el('div', { id: 'panel-grad' }, 'none (no backward reached this node)'));
    if (n.cost) nodePanel.append(el('h3', {}, 'cost'), costRows(n.cost, n.saved_bytes));
    if (!stay) showView('node');
  }

  // ---- NaN / Inf -------------------------------------------------------------------

  const nonfiniteButton = el('button', { id: 'nonfinite-jump', onclick: () => selectNode(nonfiniteIds[0]) },
    nonfiniteIds.length ? 'First NaN/Inf (' + nonfiniteIds.length + ' nodes)' : 'no NaN/Inf');
  if (nonfiniteIds.length) nonfiniteButton.classList.add('bad');
  else nonfiniteButton.disabled = true;

  // ---- search ------------------------------------------------------------------------

  const searchBox = el('input', { id: 'search', type: 'search', placeholder: 'search label or op' });
  const searchResults = el('div', { id: 'search-results', hidden: '' });
  function search(query) {
    const q = query.trim().toLowerCase();
    if (!q) return [];
    const exact = [], partial = [];
    for (const n of nodes) {
      if (n.label.toLowerCase() === q) exact.push(n.id);
      else if (n.label.toLowerCase().includes(q) || n.op.toLowerCase().includes(q) || n.kind === q) partial.push(n.id);
    }
    return exact.concat(partial);  // an exact label first, so Enter picks it
  }
  function showResults() {
    const hits = search(searchBox.value);
    searchResults.replaceChildren();
    searchResults.hidden = !searchBox.value.trim();
    searchResults.append(el('div', { class: 'count' }, hits.length + ' found'));
    for (const id of hits.slice(0, 50)) {
      searchResults.append(el('div', { class: 'hit', 'data-node-id': id, onclick: () => { searchResults.hidden = true; selectNode(id); } },
        displayName(nodes[id]) + ' · ' + (nodes[id].op || nodes[id].kind) + ' · ' + shapeText(nodes[id].shape)));
    }
  }
  searchBox.addEventListener('input', showResults);
  searchBox.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') searchResults.hidden = true;
    if (e.key !== 'Enter') return;
    const hits = search(searchBox.value);
    if (hits.length) { searchResults.hidden = true; selectNode(hits[0]); }
  });

  // ---- backward sweep -----------------------------------------------------------------

  const sweepPanel = el('div', { id: 'sweep' });
  function stepTo(k) {
    const steps = trace.steps;
    state.step = Math.max(0, Math.min(steps.length - 1, k));
    const step = steps[state.step];
    for (const e of drawn.edges.values()) e.el.classList.remove('active');
    for (const it of drawn.items.values()) it.el.classList.remove('current');
    const target = drawn.itemOfNode[step.node];
    if (drawn.items.get(target)) drawn.items.get(target).el.classList.add('current');
    centerOn(target);
    const body = el('div', { id: 'sweep-step', 'data-step': state.step });
    body.append(el('div', { id: 'sweep-position' }, 'step ' + (state.step + 1) + ' of ' + steps.length));
    body.append(el('h3', {}, displayName(nodes[step.node]) + ' (' + step.op + ', node ' + step.node + ')'));
    body.append(el('div', {}, 'gradient arriving, g = ∂L/∂' + displayName(nodes[step.node]) + ':'));
    body.append(tensorView(step.grad_output.shape, step.grad_output.values, null, 'sweep-g'));
    body.append(el('div', {}, 'contributions sent to the inputs:'));
    for (const c of step.contributions) {
      const input = nodes[c.input];
      const edge = drawn.edges.get(drawn.itemOfNode[c.input] + '>' + target);
      if (edge) edge.el.classList.add('active');
      const isLeafGrad = input.kind === 'parameter' || input.kind === 'variable';
      const line = el('div', { class: 'contribution', 'data-input': c.input }, '→ ', nodeLink(c.input, true),
        isLeafGrad ? '  = ∇' + displayName(input) + ' L' : '');
      line.append(tensorView(c.gradient.shape, c.gradient.values, null));
      body.append(line);
    }
    if (state.step === steps.length - 1) body.append(parameterTable());
    sweepPanel.replaceChildren(sweepControls, body);
  }
  // The lecture's closing table: every gradient a leaf received.
  function parameterTable() {
    const t = el('table', { id: 'parameter-gradients' },
      el('tr', {}, el('th', {}, 'parameter'), el('th', {}, 'shape'), el('th', {}, 'gradient')));
    for (const n of nodes) {
      if ((n.kind !== 'parameter' && n.kind !== 'variable') || !n.grad_summary) continue;
      t.append(el('tr', { 'data-node-id': n.id }, el('td', {}, '∇' + displayName(n) + ' L'),
        el('td', {}, shapeText(n.shape)), el('td', {}, tensorView(n.shape, n.grad, n.grad_summary))));
    }
    return el('div', {}, el('h3', {}, 'parameter gradients, at the end of the sweep'), t);
  }
  function play() {
    if (state.playing) { clearInterval(state.playing); state.playing = null; playButton.textContent = 'play'; return; }
    if (state.step >= trace.steps.length - 1) stepTo(0);
    playButton.textContent = 'pause';
    state.playing = setInterval(() => {
      if (state.step >= trace.steps.length - 1) { play(); return; }
      stepTo(state.step + 1);
    }, 700);
  }
  const playButton = el('button', { id: 'sweep-play', onclick: play }, 'play');
  const sweepControls = el('div', { id: 'sweep-controls' },
    el('button', { id: 'sweep-first', onclick: () => stepTo(0) }, 'first'),
    el('button', { id: 'sweep-prev', onclick: () => stepTo(state.step - 1) }, '◀ previous'),
    el('button', { id: 'sweep-next', onclick: () => stepTo(state.step + 1) }, 'next ▶'),
    el('button', { id: 'sweep-last', onclick: () => stepTo(trace.steps.length - 1) }, 'last'),
    playButton);

  // ---- cost ledger -----------------------------------------------------------------------

  function costLedger() {
    const byOp = new Map();
    for (const n of nodes) {
      if (!n.cost) continue;
      const s = byOp.get(n.op) || { op: n.op, nodes: 0, forward_flops: 0, backprop_flops: 0, forward_bytes: 0, backprop_bytes: 0 };
      s.nodes++;
      for (const k of ['forward_flops', 'backprop_flops', 'forward_bytes', 'backprop_bytes']) s[k] += n.cost[k];
      byOp.set(n.op, s);
    }
    const box = el('div', { id: 'ledger' });
    const perNode = nodes.filter((n) => n.cost)
      .sort((a, b) => (b.cost.forward_flops + b.cost.backprop_flops) - (a.cost.forward_flops + a.cost.backprop_flops))
      .slice(0, 20).map((n) => ({ name: displayName(n), id: n.id, ...n.cost }));
    const ops = [...byOp.values()].map((s) => ({ name: s.op + ' ×' + s.nodes, ...s }));
    for (const [unit, f, b] of [['FLOPs', 'forward_flops', 'backprop_flops'], ['bytes', 'forward_bytes', 'backprop_bytes']]) {
      box.append(el('h3', {}, unit + ' per op (forward, backprop)'), bars(ops, f, b));
      box.append(el('h3', {}, unit + ' of the 20 costliest nodes'), bars(perNode, f, b));
    }
    if (!ops.length) box.append('No node of this record carries a cost.');
    return box;
  }
  function bars(rows, f, b) {
    rows = [...rows].sort((x, y) => (y[f] + y[b]) - (x[f] + x[b]));
    const top = Math.max(1, ...rows.map((r) => Math.max(r[f], r[b])));
    const box = el('div', { class: 'bars' });
    for (const r of rows) {
      const name = el('span', { class: 'bar-name', title: r.name }, r.name);
      if (r.id !== undefined) name.addEventListener('click', () => selectNode(r.id));
      box.append(el('div', { class: 'bar-row', 'data-name': r.name }, name,
        el('span', { class: 'bar-track' },
          el('div', { class: 'bar forward', style: 'width:' + (100 * r[f] / top) + '%' }),
          el('div', { class: 'bar backprop', style: 'width:' + (100 * r[b] / top) + '%' })),
        el('span', { class: 'bar-figure' }, bigNum(r[f]) + ' / ' + bigNum(r[b]))));
    }
    return box;
  }

  // ---- node list (virtualised: only the rows in sight exist) --------------------------------

  const kRow = 20;
  const nodeList = el('div', { id: 'node-list' });
  const spacer = el('div', { style: 'height:' + nodes.length * kRow + 'px' });
  nodeList.append(spacer);
  function drawRows() {
    const first = Math.floor(nodeList.scrollTop / kRow);
    const last = Math.min(nodes.length, first + Math.ceil((nodeList.clientHeight || 600) / kRow) + 5);
    spacer.replaceChildren();
    for (let i = first; i < last; ++i) {
      const n = nodes[i];
      const r = el('div', { class: 'row' + (hasNonfinite(n) ? ' nonfinite' : ''), 'data-node-id': i, style: 'top:' + i * kRow + 'px', onclick: () => selectNode(i) },
        el('span', {}, String(i)), el('span', {}, n.op || n.kind), el('span', {}, n.label), el('span', {}, shapeText(n.shape)),
        el('span', {}, n.grad_summary ? '‖g‖ ' + fmtNum(n.grad_summary.norm) : ''));
      spacer.append(r);
    }
  }
  nodeList.addEventListener('scroll', drawRows);

  // ---- page -----------------------------------------------------------------------------

  const views = {
    node: nodePanel,
    sweep: trace ? sweepPanel : el('div', {}, 'This record holds no backprop trace (record it with backward(y, {.trace = &t})).'),
    costs: costLedger(),
    list: nodeList,
  };
  const tabNames = { node: 'Node', sweep: 'Backward sweep', costs: 'Cost ledger', list: 'All nodes' };
  const tabs = el('div', { id: 'tabs' });
  const side = el('div', { id: 'side' }, tabs);
  for (const [name, view] of Object.entries(views)) {
    tabs.append(el('button', { id: 'tab-' + name, 'data-view': name, onclick: () => showView(name) }, tabNames[name]));
    view.classList.add('view');
    view.id = view.id || 'view-' + name;
    side.append(view);
  }
  // ← and → step the sweep while it is shown (not while typing a search).
  document.addEventListener('keydown', (e) => {
    if (!trace || !views.sweep.classList.contains('selected') || e.target === searchBox) return;
    if (e.key === 'ArrowRight') stepTo(state.step + 1);
    if (e.key === 'ArrowLeft') stepTo(state.step - 1);
  });
  function showView(name) {
    for (const [k, view] of Object.entries(views)) view.classList.toggle('selected', k === name);
    for (const b of tabs.children) b.classList.toggle('selected', b.dataset.view === name);
    if (name === 'list') drawRows();
    if (name === 'sweep' && trace && state.step < 0) stepTo(0);
  }

  const graphNote = el('div', { id: 'graph-note' });
  const graphPane = el('div', { id: 'graph-pane' }, graphEl, graphNote,
    el('div', { id: 'graph-tools' },
      el('button', { id: 'fit', onclick: fitView }, 'fit'),
      el('button', { id: 'collapse', onclick: () => { expanded.clear(); drawGraph(); fitView(); } }, 'collapse groups')));
  const defs = svg('defs');
  const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto' });
  marker.append(svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#90a4ae' }));
  defs.append(marker);
  graphEl.append(defs);

  document.querySelector('header').append(el('div', { id: 'toolbar' },
    el('span', {}, nodes.length + ' nodes · ' + tape.dtype), searchBox, searchResults, nonfiniteButton));
  document.getElementById('explorer').append(graphPane, side);
  drawGraph();
  fitView();
  showView('node');
  document.body.dataset.ready = String(performance.now());
})();
