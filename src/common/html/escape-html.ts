/**
 * HTML escaping for server-rendered pages (the self-contained reports). Plain functions, no Nest:
 * the CLI renders the same reports to a file.
 */

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Safe in element text and in single- or double-quoted attribute values (not in unquoted ones, scripts or styles). */
export function escapeHtml(raw: string): string {
  return raw.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * Any value escaped for text or quoted-attribute context; null and undefined become ''. For values
 * read from JSON or a database, even those typed as numbers or enums: the type is not a guarantee.
 */
export function escapeHtmlValue(value: unknown): string {
  return escapeHtml(value === null || value === undefined ? '' : String(value));
}
