import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { randomBytes } from 'node:crypto';
import { renderDashboardPage } from './dashboard.page';
import { Public } from '../security/security.decorators';

@Controller('dashboard')
export class DashboardController {
  /**
   * A live operations view: recent batches with drift verdicts, live alert counts, performance,
   * and an alert feed pushed over graphql-ws. Same-origin only; the one inline script runs under
   * a per-response nonce.
   */
  @Public()
  @Get()
  page(@Res() response: Response): void {
    const nonce = randomBytes(16).toString('base64');
    response
      .status(200)
      .setHeader('content-type', 'text/html; charset=utf-8')
      .setHeader('content-security-policy', `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; connect-src 'self' ws: wss:; img-src data:; base-uri 'none'`)
      .send(renderDashboardPage(nonce));
  }
}
