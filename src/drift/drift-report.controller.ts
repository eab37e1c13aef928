import { Controller, Get, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError } from '../common/errors/domain-error';
import { UUID_PATTERN } from '../common/pagination/connection';
import { GuardedBy } from '../security/security.decorators';
import { DriftQueryService } from './drift-query.service';
import { renderDriftReportHtml } from './report/drift-report.html';

const REPORT_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

@Controller('reports')
export class DriftReportController {
  constructor(private readonly queries: DriftQueryService) {}

  /**
   * The self-contained HTML drift report (inline SVG charts, no external requests). The HTML
   * headers are set only once the report has rendered: a route-level @Header would be applied
   * before the handler runs and so also label the JSON error body as text/html, which browsers
   * would then parse (reflecting the id as markup).
   */
  @GuardedBy('GET /reports/:id')
  @Get(':id')
  async report(@Param('id') id: string, @Res({ passthrough: true }) response: Response): Promise<string> {
    // Checked before any SQL, and not echoed: the id is arbitrary caller input.
    if (!UUID_PATTERN.test(id)) throw new DomainError('NOT_FOUND', 'Drift report not found: the id must be a UUID');
    const html = renderDriftReportHtml(await this.queries.reportView(id));
    response
      .setHeader('content-type', 'text/html; charset=utf-8')
      .setHeader('content-security-policy', REPORT_CSP)
      .setHeader('x-content-type-options', 'nosniff');
    return html;
  }
}
