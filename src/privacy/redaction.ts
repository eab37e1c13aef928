/**
 * Redaction of one identifier inside free text and JSON (batch keys, batch metadata, audit
 * summaries), for customer erasure. Plain functions, no Nest.
 *
 * An occurrence counts only where it stands as a token of its own: no letter or digit right
 * before or after it. "cust-7" is found in "loan-cust-7", "cust-7", "{cust-7}", but not in
 * "cust-70" or "cust-7b", which are other customers' ids. (An id glued to letters or digits on
 * both sides, "loancust7x", is not found: nothing could tell it from another id.)
 */

const TOKEN_CHAR = /^[\p{L}\p{N}]$/u;

/** The code point that ends just before index `i` (a surrogate pair is one character). */
function charBefore(text: string, i: number): string {
  if (i <= 0) return '';
  const low = text.charCodeAt(i - 1);
  const start = low >= 0xdc00 && low <= 0xdfff && i >= 2 ? i - 2 : i - 1;
  return String.fromCodePoint(text.codePointAt(start)!);
}

function charAt(text: string, i: number): string {
  return i < text.length ? String.fromCodePoint(text.codePointAt(i)!) : '';
}

/** `text` with every token occurrence of `needle` replaced by `marker`. */
export function redactText(text: string, needle: string, marker: string): string {
  if (needle === '') return text;
  const parts: string[] = [];
  let copiedUpTo = 0;
  for (let at = text.indexOf(needle); at !== -1;) {
    const end = at + needle.length;
    if (TOKEN_CHAR.test(charBefore(text, at)) || TOKEN_CHAR.test(charAt(text, end))) {
      at = text.indexOf(needle, at + 1);
      continue;
    }
    parts.push(text.slice(copiedUpTo, at), marker);
    copiedUpTo = end;
    at = text.indexOf(needle, end);
  }
  if (parts.length === 0) return text;
  parts.push(text.slice(copiedUpTo));
  return parts.join('');
}

/**
 * A copy of a JSON value with `needle` redacted in every string, object keys included, and
 * whether anything changed. Depth is bounded by what was stored (metadata limits, audit
 * summaries of a few levels).
 */
export function redactJson<T>(value: T, needle: string, marker: string): { value: T; changed: boolean } {
  let changed = false;
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') {
      const redacted = redactText(node, needle, marker);
      if (redacted !== node) changed = true;
      return redacted;
    }
    if (Array.isArray(node)) return node.map(walk);
    if (node !== null && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(node as Record<string, unknown>)) {
        const redactedKey = redactText(key, needle, marker);
        if (redactedKey !== key) changed = true;
        out[redactedKey] = walk(child);
      }
      return out;
    }
    return node;
  };
  const result = walk(value) as T;
  return { value: changed ? result : value, changed };
}
