import { Controller, Get, Header, Param } from '@nestjs/common';
import { DriftQueryService } from './drift-query.service';
import { renderDriftReportHtml } from './report/drift-report.html';

@Controller('reports')
export class DriftReportController {
  constructor(private readonly queries: DriftQueryService) {}

  /** The self-contained HTML drift report (inline SVG charts, no external requests). */
  @Get(':id')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
  async report(@Param('id') id: string): Promise<string> {
    return renderDriftReportHtml(await this.queries.reportView(id));
  }
}
