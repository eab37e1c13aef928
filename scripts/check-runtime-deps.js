#!/usr/bin/env node
// The Docker image and `npm ci --omit=dev` install `dependencies` only, so every package the
// compiled service loads at run time must be listed there (a devDependency imported by src/ is
// missing in production: `Cannot find module ...`). This check reads the build (dist/**/*.js:
// what actually runs, after TypeScript removed type-only imports), collects every require('x')
// and import('x') with a literal package name, and fails, listing file:line, for each package
// that is neither a Node built-in nor in package.json "dependencies".
// Needs a build first (`npm run build`); scripts/check-production-start.sh runs it after one.
// Plain Node, no dependencies: `node scripts/check-runtime-deps.js [dist folder]`.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { builtinModules } = require('node:module');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.resolve(process.argv[2] ?? path.join(ROOT, 'dist'));

function walk(dir, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (entry.isFile() && /\.(c|m)?js$/.test(entry.name)) out.push(full);
  }
  return out;
}

/** "pg-copy-streams/lib/x" → "pg-copy-streams", "@nestjs/core/x" → "@nestjs/core"; null for paths. */
function packageName(specifier) {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

if (!fs.existsSync(DIST)) {
  console.error(`check-runtime-deps: ${path.relative(ROOT, DIST) || DIST} does not exist; run "npm run build" first`);
  process.exit(2);
}

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const dependencies = new Set(Object.keys(manifest.dependencies ?? {}));
const builtins = new Set(builtinModules);
// require("x"), require('x'), import("x") — the forms tsc emits for CommonJS output.
const LOAD = /\b(?:require|import)\(\s*(["'])([^"'\n]+)\1\s*\)/g;

const problems = [];
const used = new Set();
for (const file of walk(DIST)) {
  const text = fs.readFileSync(file, 'utf8');
  for (const match of text.matchAll(LOAD)) {
    const name = packageName(match[2]);
    if (name === null || builtins.has(name)) continue;
    used.add(name);
    if (!dependencies.has(name)) {
      const line = text.slice(0, match.index).split('\n').length;
      problems.push(`${path.relative(ROOT, file)}:${line}: "${match[2]}" is not in package.json "dependencies"`);
    }
  }
}

if (problems.length > 0) {
  console.error(`check-runtime-deps: ${problems.length} run-time import(s) of packages missing from "dependencies":`);
  for (const problem of problems) console.error(`  ${problem}`);
  console.error('Move each package to "dependencies" (npm install --save <name>), or stop importing it from src/.');
  process.exit(1);
}
console.log(`check-runtime-deps: ok (${used.size} packages loaded by ${path.relative(ROOT, DIST) || DIST}, all in "dependencies")`);
