/**
 * Text that PostgreSQL cannot store faithfully, caught before any write.
 *
 * - NUL (U+0000): `text` columns reject it ("invalid byte sequence") and `jsonb` rejects the
 *   `\u0000` escape, so today it surfaces as INTERNAL_SERVER_ERROR halfway through a batch.
 * - Unpaired UTF-16 surrogates: not encodable as UTF-8; the driver silently writes U+FFFD, so the
 *   stored customerId differs from the one sent and later joins (outcomes) miss it.
 * - The other C0 controls (U+0001–U+001F except tab, newline and carriage return): stored fine,
 *   but never meaningful in identifiers or metadata, and they corrupt logs, CSV exports and
 *   terminals. Tab/LF/CR stay allowed because free text (notes, metadata) legitimately uses them.
 *   DEL and the C1 controls (U+0080–U+009F) are left alone: they store and read back exactly,
 *   and mis-decoded legacy text (cp1252 read as Latin-1) lands there; refusing it would turn
 *   an upstream encoding slip into a rejected batch.
 *
 * Plain functions, no Nest: used by module validators and by the generic argument guard.
 */

// One character class that every unsafe string matches: the common (clean) case costs one
// test; only a hit pays for the exact scan (which also lets valid surrogate pairs through).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const SUSPECT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF]/;
const SHORT = 24;

/**
 * The prefilter. Identifiers and keys are short, and for them a char loop is cheaper than
 * entering the regex engine (it shows on 450,000 values); long text goes to the regex.
 */
function suspect(s: string): boolean {
  const n = s.length;
  if (n > SHORT) return SUSPECT.test(s);
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0xd800 && c <= 0xdfff)) return true;
  }
  return false;
}

export const NUL_RULE = 'must not contain NUL characters';
export const SURROGATE_RULE = 'must not contain unpaired UTF-16 surrogates';
export const CONTROL_RULE = 'must not contain control characters other than tab, newline and carriage return';

/** Why `s` cannot be accepted as text, or null when it is fine. NUL beats surrogates beats controls. */
export function unsafeTextReason(s: string): string | null {
  if (!suspect(s)) return null;
  let surrogate = false;
  let control = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) return NUL_RULE;
    if (c < 0x20) {
      if (c !== 0x09 && c !== 0x0a && c !== 0x0d) control = true;
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else surrogate = true;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      surrogate = true;
    }
  }
  return surrogate ? SURROGATE_RULE : control ? CONTROL_RULE : null;
}

export interface JsonLimits {
  /** UTF-8 bytes of JSON.stringify(value). */
  maxBytes: number;
  /** Container nesting: an object holding an object holding a value is depth 2. */
  maxDepth: number;
}

interface Frame {
  value: object;
  depth: number;
  parent: Frame | null;
  key: string | number;
}

/**
 * Checks a free-form JSON value (batch metadata) and returns the first rule it breaks, or null.
 * The walk is iterative and never goes below maxDepth, so a value nested 100,000 levels costs
 * maxDepth steps, not a stack overflow. Size is measured only once the structure is known to be
 * sane, and skipped when a lower bound of the size is already over the limit.
 */
export function checkJsonValue(value: unknown, limits: JsonLimits): string | null {
  const leaf = checkLeaf(value);
  if (leaf) return leaf;
  if (value === null || typeof value !== 'object') return sizeReason(value, limits.maxBytes, 0);

  const stack: Frame[] = [{ value, depth: 1, parent: null, key: '' }];
  if (limits.maxDepth < 1) return depthReason(limits.maxDepth, stack[0]);
  // UTF-16 length never exceeds UTF-8 bytes, so this sum is a lower bound of the JSON size.
  let lowerBound = 0;
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const node = frame.value;
    const array = Array.isArray(node);
    const keys: Array<string | number> = array ? [] : Object.keys(node);
    const count = array ? (node as unknown[]).length : keys.length;
    lowerBound += count > 0 ? count + 1 : 2; // brackets and commas
    for (let i = 0; i < count; i++) {
      const key = array ? i : (keys[i] as string);
      if (!array) {
        const reason = unsafeTextReason(key as string);
        if (reason) return `${reason} (in a key at ${location(frame, null)})`;
        lowerBound += (key as string).length + 3;
      }
      const child = (node as Record<string | number, unknown>)[key];
      if (child !== null && typeof child === 'object') {
        const next: Frame = { value: child, depth: frame.depth + 1, parent: frame, key };
        if (next.depth > limits.maxDepth) return depthReason(limits.maxDepth, next);
        stack.push(next);
        continue;
      }
      const reason = checkLeaf(child);
      if (reason) return `${reason} (at ${location(frame, key)})`;
      if (typeof child === 'string') lowerBound += child.length + 2;
    }
  }
  return sizeReason(value, limits.maxBytes, lowerBound);
}

function checkLeaf(value: unknown): string | null {
  switch (typeof value) {
    case 'string':
      return unsafeTextReason(value);
    case 'number':
      return Number.isFinite(value) ? null : 'must not contain non-finite numbers (NaN, Infinity)';
    case 'bigint':
    case 'function':
    case 'symbol':
      return 'must contain only JSON values';
    default:
      return null;
  }
}

function depthReason(maxDepth: number, frame: Frame): string {
  return `must be nested at most ${maxDepth} levels deep (exceeded at ${location(frame, null)})`;
}

function sizeReason(value: unknown, maxBytes: number, lowerBound: number): string | null {
  const rule = `must be at most ${maxBytes} bytes as JSON`;
  if (lowerBound > maxBytes) return rule;
  const json = JSON.stringify(value);
  return json !== undefined && Buffer.byteLength(json, 'utf8') > maxBytes ? rule : null;
}

const PLAIN_KEY = /^[A-Za-z_$][\w$]{0,63}$/;

/** `$.a.b[2]["odd key"]`: bounded by the depth limit, keys escaped (never raw control characters). */
function location(frame: Frame | null, last: string | number | null): string {
  const parts: Array<string | number> = last === null ? [] : [last];
  for (let f = frame; f && f.parent; f = f.parent) parts.push(f.key);
  let out = '$';
  for (let i = parts.length - 1; i >= 0; i--) {
    const part = parts[i];
    if (typeof part === 'number') out += `[${part}]`;
    else if (PLAIN_KEY.test(part)) out += `.${part}`;
    else out += `[${JSON.stringify(part.length > 32 ? `${part.slice(0, 32)}…` : part)}]`;
  }
  return out;
}

export interface UnsafeString {
  path: Array<string | number>;
  rule: string;
}

/** Deeper than any GraphQL input the schema declares; only JSON-scalar values get here. */
export const MAX_ARGUMENT_DEPTH = 64;

interface WalkState {
  found: UnsafeString[];
  maxProblems: number;
  /** The path of the node being walked, pushed and popped in place (copied only on a find). */
  path: Array<string | number>;
}

/**
 * Every unsafe string (values and object keys) in resolver arguments, with its path, up to
 * `maxProblems`. Meant to run on every operation, so it is written for a 50,000-record batch:
 * no allocation per value, one cheap prefilter per string, and object keys tested once per
 * array of same-shaped objects (the records of a batch share their nine keys). Recursion is
 * bounded by MAX_ARGUMENT_DEPTH; anything deeper is reported, not walked. Objects are walked with
 * for-in (own and inherited enumerable properties): resolver arguments built by GraphQL are plain
 * objects, and for-in is the fast path in V8.
 */
export function findUnsafeStrings(args: unknown, path: ReadonlyArray<string | number> = [], maxProblems = 100): UnsafeString[] {
  const state: WalkState = { found: [], maxProblems, path: [...path] };
  if (maxProblems <= 0) return state.found;
  if (typeof args === 'string') checkString(state, args, null, '');
  else if (Array.isArray(args)) walkArray(state, args, 1);
  else if (args !== null && typeof args === 'object') walkObject(state, args, 1, []);
  return state.found;
}

/** Records a problem; true once enough are found, which stops the whole walk. */
function report(state: WalkState, rule: string, last: string | number | null): boolean {
  state.found.push({ path: last === null ? [...state.path] : [...state.path, last], rule });
  return state.found.length >= state.maxProblems;
}

function checkString(state: WalkState, s: string, last: string | number | null, prefix: string): boolean {
  if (!suspect(s)) return false;
  const reason = unsafeTextReason(s);
  return reason !== null && report(state, prefix + reason, last);
}

function descend(state: WalkState, child: object, key: string | number, depth: number, keysSeen: string[]): boolean {
  state.path.push(key);
  const done =
    depth > MAX_ARGUMENT_DEPTH
      ? report(state, `is nested more than ${MAX_ARGUMENT_DEPTH} levels deep`, null)
      : Array.isArray(child)
        ? walkArray(state, child, depth)
        : walkObject(state, child, depth, keysSeen);
  state.path.pop();
  return done;
}

function walkArray(state: WalkState, node: unknown[], depth: number): boolean {
  // Shared by the array's object elements: a key equal to the one a sibling had at the same
  // position was already found safe.
  const siblingsKeys: string[] = [];
  for (let i = 0; i < node.length; i++) {
    const child = node[i];
    if (typeof child === 'string') {
      if (checkString(state, child, i, '')) return true;
    } else if (child !== null && typeof child === 'object') {
      if (descend(state, child, i, depth + 1, siblingsKeys)) return true;
    }
  }
  return false;
}

function walkObject(state: WalkState, node: object, depth: number, keysSeen: string[]): boolean {
  let position = 0;
  for (const key in node) {
    if (keysSeen[position] !== key) {
      if (unsafeTextReason(key) === null) keysSeen[position] = key;
      else if (checkString(state, key, key, 'key ')) return true;
    }
    position++;
    const child: unknown = (node as Record<string, unknown>)[key];
    if (typeof child === 'string') {
      if (checkString(state, child, key, '')) return true;
    } else if (child !== null && typeof child === 'object') {
      if (descend(state, child, key, depth + 1, [])) return true;
    }
  }
  return false;
}
