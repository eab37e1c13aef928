#!/usr/bin/env node
// Every table has one owning module, and only that module's repository classes touch it
// (docs/architecture.md). This check reads src/**/*.ts and fails, listing file:line, when
//   - SQL inside a string or template literal names a table (FROM / INTO / UPDATE / JOIN /
//     TABLE / TRUNCATE / COPY followed by the table name as a whole word, any case) outside the
//     owner's *.repository.ts files;
//   - TypeORM reaches a table through its entity class (getRepository(XEntity),
//     @InjectRepository(XEntity), manager.find(XEntity, ...), .from(XEntity) ...) or through its
//     name in a query builder (.from('alerts')) outside those files;
//   - an entity maps a table that has no owner here, or lives outside its owner's folder.
// Comments are ignored (they may describe SQL); migrations are outside src/ and exempt.
// A regex on the text is an approximation: SQL built from pieces (`FROM ${table}`) is not seen,
// which is why those pieces take table names only as constants inside repositories.
// Plain Node, no dependencies: `node scripts/check-table-owners.js` (part of `npm run lint`).
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { lineOf, views, walk } = require('./ts-source');

const ROOT = path.resolve(__dirname, '..');
const SRC = path.join(ROOT, 'src');

/** table → owning folder. Adding a table: add it here (and see docs/architecture.md). */
const OWNERS = {
  model_versions: 'src/scoring',
  batches: 'src/prediction-logs',
  batch_profiles: 'src/prediction-logs',
  prediction_logs: 'src/prediction-logs',
  drift_reports: 'src/drift',
  feature_drift_metrics: 'src/drift',
  alerts: 'src/alerts',
  alert_events: 'src/alerts',
  alert_notifications: 'src/alerts',
  performance_metrics: 'src/performance',
  retraining_events: 'src/retraining',
  baselines: 'src/baselines',
  api_keys: 'src/security',
  audit_log: 'src/security',
};

/**
 * Files besides the owner's *.repository.ts that may touch a table, each with its reason.
 * Keep this empty unless a repository class really cannot hold the code.
 */
const EXTRA_ALLOWED = {
  prediction_logs: {
    // The COPY writer behind PredictionLogsRepository.write: a provider of its own so a test can
    // override it to fail mid-batch (test/integration/ingestion.spec.ts).
    'src/prediction-logs/prediction-log.writer.ts': 'COPY prediction_logs FROM STDIN',
  },
};

const SQL_KEYWORDS = 'FROM|INTO|UPDATE|JOIN|TABLE|TRUNCATE|COPY';
const QUERY_BUILDER_METHODS =
  'from|into|update|delete|insert|innerJoin|leftJoin|innerJoinAndSelect|leftJoinAndSelect|innerJoinAndMapOne|leftJoinAndMapOne|innerJoinAndMapMany|leftJoinAndMapMany|createQueryBuilder|getRepository';
/** TypeORM calls that take an entity class as their first argument. */
const ENTITY_CALLS =
  'getRepository|InjectRepository|createQueryBuilder|from|into|update|delete|insert|upsert|save|remove|softDelete|restore|find\\w*|count\\w*|exists\\w*|sum|average|minimum|maximum|increment|decrement|create|merge|preload|clear';

const rel = (file) => path.relative(ROOT, file).split(path.sep).join('/');

function allowed(table, file) {
  const owner = OWNERS[table];
  if (file.startsWith(`${owner}/`) && file.endsWith('.repository.ts')) return true;
  return Boolean(EXTRA_ALLOWED[table] && EXTRA_ALLOWED[table][file]);
}

function main() {
  const files = walk(SRC).map((full) => ({ full, file: rel(full), text: fs.readFileSync(full, 'utf8') }));
  for (const f of files) Object.assign(f, views(f.text));

  const problems = [];
  const failures = Object.fromEntries(Object.keys(OWNERS).map((t) => [t, 0]));
  // Entities: which class maps which table, and where it lives.
  const entityTable = new Map();
  for (const f of files) {
    const re = /@Entity\(\s*(?:\{[^}]*?name:\s*)?['"](\w+)['"][^)]*\)\s*(?:@\w+\([^)]*\)\s*)*export\s+class\s+(\w+)/g;
    for (const m of f.code.matchAll(re)) {
      const [, table, className] = m;
      entityTable.set(className, table);
      const line = lineOf(f.text, m.index);
      if (!OWNERS[table]) {
        problems.push({
          file: f.file,
          line,
          text: `entity ${className} maps table ${table}, which has no owner in scripts/check-table-owners.js`,
        });
      } else if (!f.file.startsWith(`${OWNERS[table]}/`)) {
        failures[table] += 1;
        problems.push({ file: f.file, line, text: `entity ${className} (${table}) lives outside its owner ${OWNERS[table]}` });
      }
    }
  }

  const hits = Object.fromEntries(Object.keys(OWNERS).map((t) => [t, new Map()]));
  const record = (table, f, offset, what) => {
    const line = lineOf(f.text, offset);
    if (allowed(table, f.file)) {
      hits[table].set(f.file, (hits[table].get(f.file) || 0) + 1);
    } else {
      failures[table] += 1;
      problems.push({ file: f.file, line, text: `${what} (${table} is owned by ${OWNERS[table]}: use its repository)` });
    }
  };

  for (const f of files) {
    for (const table of Object.keys(OWNERS)) {
      const sql = new RegExp(`\\b(${SQL_KEYWORDS})\\s+(?:ONLY\\s+)?(?:public\\.)?"?${table}"?(?![\\w"])`, 'gi');
      for (const m of f.literals.matchAll(sql)) record(table, f, m.index, `SQL "${m[0].replace(/\s+/g, ' ')}"`);
      const builder = new RegExp(`\\.(${QUERY_BUILDER_METHODS})\\s*\\(\\s*['"\`]${table}['"\`]`, 'g');
      for (const m of f.code.matchAll(builder)) record(table, f, m.index, `query builder ${m[0]}`);
    }
    for (const [className, table] of entityTable) {
      const orm = new RegExp(`\\b(${ENTITY_CALLS})\\s*(?:<[^>()]*>)?\\(\\s*${className}\\b`, 'g');
      for (const m of f.code.matchAll(orm)) record(table, f, m.index, `TypeORM ${m[0]})`);
    }
  }

  for (const table of Object.keys(OWNERS)) {
    const where = [...hits[table].entries()].map(([file, count]) => `${file} (${count})`);
    const found = where.length ? `repository access in ${where.join(', ')}` : 'no access found';
    if (failures[table] === 0) console.log(`OK   ${table}: owner ${OWNERS[table]}; ${found}`);
    else console.log(`FAIL ${table}: owner ${OWNERS[table]}; ${failures[table]} access(es) outside its repository; ${found}`);
  }
  if (problems.length > 0) {
    console.error(`\ncheck-table-owners: ${problems.length} access(es) outside the owning repository:`);
    problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
    for (const p of problems) console.error(`  ${p.file}:${p.line}: ${p.text}`);
    process.exit(1);
  }
  console.log('check-table-owners: every table is touched only by its owner');
}

main();
