// Reading TypeScript sources for the lint scripts in this folder (plain Node, no dependencies).
'use strict';

const fs = require('node:fs');
const path = require('node:path');

/** Every .ts file under `dir` (declaration files excluded). */
function walk(dir, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/**
 * Two views of a TypeScript source, both the same length as the source with newlines kept (so
 * offsets map to the same lines): `code` has comments blanked; `literals` keeps only the
 * contents of string and template literals (code and template `${...}` expressions blanked).
 * A small scanner, not a parser: regex literals are recognised by the token before the slash.
 */
function views(text) {
  const code = text.split('');
  // Outside literals every character but a newline becomes NUL (neither a word character nor
  // white space), so a match cannot run from the end of one literal into the next.
  const literals = text.replace(/[^\n]/g, '\0').split('');
  const blank = (i) => {
    if (code[i] !== '\n') code[i] = ' ';
  };
  const keep = (i) => {
    literals[i] = text[i];
  };
  // Stack of open template literals; each entry counts the braces open in its current `${`.
  const templates = [];
  let i = 0;
  let lastSignificant = '';
  const n = text.length;
  const inTemplateText = () => templates.length > 0 && templates[templates.length - 1].depth === -1;

  while (i < n) {
    if (inTemplateText()) {
      const c = text[i];
      if (c === '\\') {
        keep(i);
        if (i + 1 < n) keep(i + 1);
        i += 2;
      } else if (c === '`') {
        templates.pop();
        lastSignificant = '`';
        i += 1;
      } else if (c === '$' && text[i + 1] === '{') {
        templates[templates.length - 1].depth = 0;
        lastSignificant = '{';
        i += 2;
      } else {
        keep(i);
        i += 1;
      }
      continue;
    }
    const c = text[i];
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      while (i < n && text[i] !== '\n') blank(i++);
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? n : end + 2;
      while (i < stop) blank(i++);
    } else if (c === "'" || c === '"') {
      i += 1;
      while (i < n && text[i] !== c && text[i] !== '\n') {
        keep(i);
        if (text[i] === '\\' && i + 1 < n) keep(++i);
        i += 1;
      }
      i += 1;
      lastSignificant = c;
    } else if (c === '`') {
      templates.push({ depth: -1 });
      i += 1;
    } else if (c === '/' && !/[\w$)\]'"`]/.test(lastSignificant)) {
      // A regex literal: skip to its closing slash (outside a character class).
      let inClass = false;
      i += 1;
      while (i < n && text[i] !== '\n') {
        if (text[i] === '\\') i += 1;
        else if (text[i] === '[') inClass = true;
        else if (text[i] === ']') inClass = false;
        else if (text[i] === '/' && !inClass) break;
        i += 1;
      }
      i += 1;
      lastSignificant = ')';
    } else {
      if (templates.length > 0) {
        const top = templates[templates.length - 1];
        if (c === '{') top.depth += 1;
        else if (c === '}') {
          if (top.depth === 0) top.depth = -1;
          else top.depth -= 1;
        }
      }
      if (!/\s/.test(c)) lastSignificant = c;
      i += 1;
    }
  }
  return { code: code.join(''), literals: literals.join('') };
}

function lineOf(text, offset) {
  let line = 1;
  for (let i = 0; i < offset; i += 1) if (text.charCodeAt(i) === 10) line += 1;
  return line;
}

module.exports = { lineOf, views, walk };
