import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { randomBytes } from 'node:crypto';
import { Public } from '../security/security.decorators';
import { renderDashboardPage } from './dashboard.page';

@Controller('dashboard')
export class DashboardController {
  /**
   * A live operations view: recent batches with drift verdicts, live alert counts, performance,
   * and an alert feed pushed over graphql-ws. Same-origin only; the one inline script runs under
   * a per-response nonce. The page holds no credential (the script reads the API key from the
   * URL fragment or the key form), so it stays public. HTML drift reports open from blob: URLs
   * the script creates; such a document inherits this policy, which already allows what a report
   * uses (inline styles, data: images), so no blob: or frame-src source is needed. form-action
   * 'none' keeps the key form from ever submitting natively (its input has no name either).
   * connect-src 'self' covers the same-origin graphql-ws socket too (CSP level 3 matches ws:/wss:
   * on the page's host and port); listing `ws: wss:` would let the page open sockets to any host.
   */
  @Public()
  @Get()
  page(@Res() response: Response): void {
    const nonce = randomBytes(16).toString('base64');
    response
      .status(200)
      .setHeader('content-type', 'text/html; charset=utf-8')
      .setHeader(
        'content-security-policy',
        `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      )
      .send(renderDashboardPage(nonce));
  }
}
