import { Injectable, OnModuleInit } from '@nestjs/common';
import { MetricsService, OpenAlertCount } from '../metrics/metrics.service';
import { AlertsRepository } from './alerts.repository';
import { AlertKind, AlertSeverity, AlertStatus } from './models/alert-enums';

const LIVE_STATUSES = [AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED];

/**
 * credit_monitor_alerts_open, read from PostgreSQL at scrape time (so every instance reports
 * the same numbers, whichever instance changed an alert). Every severity × kind × live status is
 * reported, zero included: a series that disappears when its last alert resolves would leave
 * `... > 0` rules and dashboards unsure whether it is zero or unknown. 5 × 4 × 2 series at most.
 */
@Injectable()
export class AlertMetrics implements OnModuleInit {
  constructor(
    private readonly alerts: AlertsRepository,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.metrics.setOpenAlertsSource(() => this.openAlertCounts());
  }

  async openAlertCounts(): Promise<OpenAlertCount[]> {
    const counted = new Map<string, number>();
    for (const row of await this.alerts.countLiveBySeverityAndKind()) counted.set(`${row.severity}|${row.kind}|${row.status}`, row.n);
    const counts: OpenAlertCount[] = [];
    for (const severity of Object.values(AlertSeverity)) {
      for (const kind of Object.values(AlertKind)) {
        for (const status of LIVE_STATUSES)
          counts.push({ severity, kind, status, count: counted.get(`${severity}|${kind}|${status}`) ?? 0 });
      }
    }
    return counts;
  }
}
