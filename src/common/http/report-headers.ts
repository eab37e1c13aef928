import type { Response } from 'express';

/** Self-contained HTML reports: inline styles and SVG only, no scripts, no external requests. */
export const REPORT_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * Labels a rendered report as HTML under the report CSP. Call it only once the report has
 * rendered: set earlier (a route-level @Header), the headers would also label a JSON error body as
 * text/html, which browsers would then parse (reflecting caller input as markup).
 */
export function asHtmlReport(response: Response, html: string): string {
  response
    .setHeader('content-type', 'text/html; charset=utf-8')
    .setHeader('content-security-policy', REPORT_CSP)
    .setHeader('x-content-type-options', 'nosniff');
  return html;
}
