#!/usr/bin/env node
// One-way module graph (docs/architecture.md). Reads the relative imports of src/**/*.ts, folds
// them into a graph between top-level folders (src/<folder>/...), and fails when
//   - the folder graph has a cycle (each one is printed), or
//   - a folder imports a folder at its own layer or above (LAYERS below; a folder may import
//     only folders of lower layers), or one outside its explicit allow-list (cli).
// Files directly in src/ (app.module.ts, main.ts, bootstrap.ts) are the composition root: they
// may import anything, and no folder may import them.
// Type-only imports count too: a type that must cross upwards belongs in the lower module.
// Plain Node, no dependencies: `node scripts/check-import-cycles.js` (part of `npm run lint`).
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { lineOf, views, walk } = require('./ts-source');

const ROOT = path.resolve(__dirname, '..');
const SRC = path.join(ROOT, 'src');

/**
 * Bottom to top. A folder may import folders of lower layers only; folders sharing a layer
 * may not import each other. Adding a module: give it a layer here (and see docs/architecture.md).
 * Where this differs from the first plan (stats, model < drift-engine < common, config <
 * database < ... < scoring < baselines < prediction-logs < ...), the code has a one-way structure
 * of its own: model uses stats; common uses config (AppConfig); baselines reads prediction logs
 * (a baseline re-initialised from recent traffic), while prediction-logs needs no feature module.
 * privacy (customer erasure) sits above the use cases so it may reach every module that stores
 * customer data.
 */
const LAYERS = [
  ['stats'],
  ['model'],
  ['drift-engine'],
  ['config'],
  ['common'],
  ['metrics'],
  ['database'],
  ['security'],
  ['scoring'],
  ['prediction-logs'],
  ['baselines'],
  ['alerts'],
  ['retraining'],
  ['drift'],
  ['performance'],
  ['monitoring-jobs'],
  ['ingestion'],
  ['privacy'],
  ['health', 'dashboard', 'graphql-ide', 'demo', 'cli'],
];

/**
 * Folders whose imports are limited further than by layer. The CLI runs without Nest's
 * feature modules: it uses the plain libraries, configuration, the database and key management,
 * and from drift only the plain report code (`drift check` maps a result and renders the same
 * HTML report the service serves: drift-report.mapper, drift-files, report/); from performance
 * the validation report's HTML renderer (performance/report/, for `validate --report`): the
 * check allows the folder, the rule "only report code, never a Nest provider" is kept by review.
 */
const ALLOWED_IMPORTS = {
  cli: ['stats', 'model', 'drift-engine', 'config', 'common', 'database', 'security', 'drift', 'performance'],
};

const LAYER_OF = new Map(LAYERS.flatMap((folders, layer) => folders.map((f) => [f, layer])));

const IMPORT_RE =
  /(?:\bimport\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?|\bexport\s+(?:type\s+)?(?:\*(?:\s+as\s+\w+)?|\{[^}]*\})\s+from\s+|\bimport\s*\(\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;

const rel = (file) => path.relative(ROOT, file).split(path.sep).join('/');

/** The top-level folder under src/ a file belongs to, or null for files directly in src/ and outside. */
function folderOf(file) {
  const parts = path.relative(SRC, file).split(path.sep);
  if (parts[0] === '..' || parts.length < 2) return null;
  return parts[0];
}

function main() {
  /** edges: from folder → to folder → list of "file:line" */
  const edges = new Map();
  const problems = [];
  const folders = new Set(
    fs
      .readdirSync(SRC, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name),
  );

  for (const full of walk(SRC)) {
    const from = folderOf(full);
    if (from === null) continue; // composition root
    const text = views(fs.readFileSync(full, 'utf8')).code;
    for (const m of text.matchAll(IMPORT_RE)) {
      const spec = m[1];
      if (!spec.startsWith('.')) continue;
      const target = path.resolve(path.dirname(full), spec);
      const where = `${rel(full)}:${lineOf(text, m.index)}`;
      // Project folders beside src/ (migrations/, datasets/) are not modules of the graph.
      if (path.relative(SRC, target).startsWith('..')) continue;
      const to = folderOf(target);
      if (to === null) {
        problems.push(`${where}: imports the composition root (${spec}); only src/*.ts may wire modules together`);
        continue;
      }
      if (to === from) continue;
      if (!edges.has(from)) edges.set(from, new Map());
      const out = edges.get(from);
      if (!out.has(to)) out.set(to, []);
      out.get(to).push(where);
    }
  }

  for (const folder of folders) {
    if (!LAYER_OF.has(folder)) problems.push(`src/${folder}: folder has no layer in scripts/check-import-cycles.js`);
  }

  // Layer order.
  const violations = [];
  for (const [from, out] of edges) {
    for (const [to, sites] of out) {
      const a = LAYER_OF.get(from);
      const b = LAYER_OF.get(to);
      if (a === undefined || b === undefined) continue; // reported above
      let reason = null;
      if (ALLOWED_IMPORTS[from] && !ALLOWED_IMPORTS[from].includes(to))
        reason = `${from} may import only ${ALLOWED_IMPORTS[from].join(', ')}`;
      else if (b > a) reason = `${to} sits above ${from}`;
      else if (b === a) reason = `${to} and ${from} share a layer`;
      if (reason) violations.push(`${from} -> ${to} (${reason}): ${sites.join(', ')}`);
    }
  }

  // Cycles: strongly connected components (Tarjan), then one shortest cycle through each.
  const nodes = [...new Set([...edges.keys(), ...[...edges.values()].flatMap((m) => [...m.keys()])])].sort();
  const succ = (n) => [...(edges.get(n) || new Map()).keys()].sort();
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  const strong = (v) => {
    idx.set(v, index);
    low.set(v, index);
    index += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of succ(v)) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const n of nodes) if (!idx.has(n)) strong(n);

  const cycles = [];
  for (const component of components) {
    const inside = new Set(component);
    // Every edge inside the component lies on some cycle; print one shortest cycle per start.
    const seen = new Set();
    for (const start of component) {
      const prev = new Map([[start, null]]);
      const queue = [start];
      let found = null;
      while (queue.length && !found) {
        const v = queue.shift();
        for (const w of succ(v)) {
          if (!inside.has(w)) continue;
          if (w === start) {
            found = v;
            break;
          }
          if (!prev.has(w)) {
            prev.set(w, v);
            queue.push(w);
          }
        }
      }
      if (!found) continue;
      const cycle = [];
      for (let v = found; v !== null; v = prev.get(v)) cycle.unshift(v);
      const key = [...cycle].sort().join(',');
      if (seen.has(key)) continue;
      seen.add(key);
      const steps = cycle.map((v, i) => {
        const w = cycle[(i + 1) % cycle.length];
        return `  ${v} -> ${w}: ${edges.get(v).get(w).join(', ')}`;
      });
      cycles.push(`${[...cycle, cycle[0]].join(' -> ')}\n${steps.join('\n')}`);
    }
  }

  const edgeCount = [...edges.values()].reduce((n, m) => n + m.size, 0);
  console.log(`check-import-cycles: ${nodes.length} folders, ${edgeCount} folder-to-folder import edges`);
  if (process.argv.includes('--graph')) {
    for (const from of [...edges.keys()].sort()) console.log(`  ${from} -> ${succ(from).join(', ')}`);
  }
  for (const p of problems) console.error(`  ${p}`);
  if (cycles.length) {
    console.error(`\n${cycles.length} import cycle(s) between src folders:`);
    for (const c of cycles) console.error(c);
  } else console.log('OK   no import cycle between src folders');
  if (violations.length) {
    console.error(`\n${violations.length} import(s) against the layer order (${LAYERS.map((l) => l.join(', ')).join(' < ')}):`);
    for (const v of violations.sort()) console.error(`  ${v}`);
  } else console.log('OK   every import follows the layer order');
  if (problems.length || cycles.length || violations.length) process.exit(1);
}

main();
