import { Controller, Get, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError } from '../common/errors/domain-error';
import { asHtmlReport } from '../common/http/report-headers';
import { UUID_PATTERN } from '../common/pagination/connection';
import { GuardedBy } from '../security/security.decorators';
import { DriftQueryService } from './drift-query.service';
import { renderDriftReportHtml } from './report/drift-report.html';

@Controller('reports')
export class DriftReportController {
  constructor(private readonly queries: DriftQueryService) {}

  /** The self-contained HTML drift report (inline SVG charts, no external requests; headers: asHtmlReport). */
  @GuardedBy('GET /reports/:id')
  @Get(':id')
  async report(@Param('id') id: string, @Res({ passthrough: true }) response: Response): Promise<string> {
    // Checked before any SQL, and not echoed: the id is arbitrary caller input.
    if (!UUID_PATTERN.test(id)) throw new DomainError('NOT_FOUND', 'Drift report not found: the id must be a UUID');
    return asHtmlReport(response, renderDriftReportHtml(await this.queries.reportView(id)));
  }
}
