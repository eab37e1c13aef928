import { Controller, Get, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { asHtmlReport } from '../../common/http/report-headers';
import { GuardedBy } from '../../security/security.decorators';
import { PerformanceInputError } from '../performance.errors';
import { renderValidationReportHtml } from '../report/validation-report-html';
import { ValidationService } from './validation.service';

/**
 * The self-contained HTML validation report: GET /reports/validation?modelVersion=…&from=…&to=…
 * [&initialAuc=…]. Query parameters are parsed here and validated by the service exactly as the
 * GraphQL arguments are; the HTML headers are set only once the report has rendered, so an error
 * stays a JSON body (asHtmlReport).
 */
@Controller('reports')
export class ValidationReportController {
  constructor(private readonly validation: ValidationService) {}

  @GuardedBy('GET /reports/validation')
  @Get('validation')
  async report(@Query() query: Record<string, unknown>, @Res({ passthrough: true }) response: Response): Promise<string> {
    const view = await this.validation.report({
      modelVersion: single(query, 'modelVersion') ?? '',
      from: dateParameter(query, 'from'),
      to: dateParameter(query, 'to'),
      initialAuc: numberParameter(query, 'initialAuc'),
    });
    const html = renderValidationReportHtml(view, {
      title: `Credit validation — ${view.modelVersion}`,
      modelVersion: view.modelVersion,
      period: { from: view.from, to: view.to },
      source: null,
      generatedAt: view.generatedAt,
      masterScaleRule: view.masterScaleRule,
    });
    return asHtmlReport(response, html);
  }
}

/** A repeated parameter (?from=a&from=b) is refused rather than silently picking one. */
function single(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new PerformanceInputError(name, 'must be given once, as text');
  return value;
}

function dateParameter(query: Record<string, unknown>, name: string): Date {
  const value = single(query, name);
  if (value === undefined || value === '') throw new PerformanceInputError(name, 'is required (an ISO 8601 date-time)');
  // Date.parse accepts many loose forms, and reads a time without an offset in the server's own
  // time zone: demand an ISO 8601 date (UTC midnight) or a date-time with Z or an offset.
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(value)) {
    throw new PerformanceInputError(name, 'must be an ISO 8601 date or a date-time with Z or an offset', value.slice(0, 40));
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new PerformanceInputError(name, 'must be a valid date-time', value.slice(0, 40));
  return date;
}

function numberParameter(query: Record<string, unknown>, name: string): number | null {
  const value = single(query, name);
  if (value === undefined || value === '') return null;
  const number = Number(value);
  if (!/^[0-9.eE+-]+$/.test(value) || !Number.isFinite(number))
    throw new PerformanceInputError(name, 'must be a number', value.slice(0, 40));
  return number;
}
