import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AlertsService } from '../alerts/alerts.service';
import { PerformanceUpdated } from '../common/events/domain-events';
import { AppConfig } from '../config/app-config';
import { RetrainingEventsService } from '../retraining/retraining-events.service';
import type { ModelFacts } from '../scoring/model-versions.repository';
import { rocAucStandardError } from './auc-standard-error';
import { PerformanceFigures } from './performance-metrics';

export interface PerformanceScope {
  modelVersion: string;
  scope: 'BATCH' | 'WINDOW';
  batchUuid: string | null;
  windowKind?: string | null;
  windowEnd?: Date | null;
}

/**
 * Where computed performance goes next, inside the caller's transaction: the alert rules
 * (performance-degradation alert) and, for realized degradation, a PERFORMANCE retraining signal.
 * Figures from too few rows are passed as "not evaluated" (null), never as evidence: a 10-row
 * batch's ROC AUC is noise, and noise must not page anyone.
 */
@Injectable()
export class PerformanceSignalsService {
  constructor(
    private readonly config: AppConfig,
    private readonly alerts: AlertsService,
    private readonly retraining: RetrainingEventsService,
  ) {}

  async publish(manager: EntityManager, scope: PerformanceScope, figures: PerformanceFigures, facts: ModelFacts): Promise<void> {
    const { minLabels, minRows } = this.config.performance;
    const realizedRocAuc = figures.labelledCount >= minLabels ? (figures.realized?.rocAuc ?? null) : null;
    const estimatedRocAuc = figures.rowCount >= minRows ? figures.estimated.rocAuc : null;
    if (realizedRocAuc === null && estimatedRocAuc === null) return;
    const event: PerformanceUpdated = {
      modelVersion: scope.modelVersion,
      scope: scope.scope,
      batchId: scope.batchUuid,
      realizedRocAuc,
      estimatedRocAuc,
      referenceRocAuc: facts.cardRocAuc,
      labelledCount: figures.labelledCount,
      occurredAt: new Date(),
    };
    await this.alerts.onPerformanceUpdated(manager, event);
    const degradation = realizedRocAuc === null ? null : this.degradation(realizedRocAuc, figures, facts);
    if (degradation) {
      await this.retraining.raise(manager, {
        modelVersion: scope.modelVersion,
        cause: 'PERFORMANCE',
        reason: degradation,
        details: {
          scope: scope.scope,
          batchId: scope.batchUuid,
          windowKind: scope.windowKind ?? null,
          windowEnd: scope.windowEnd ?? null,
          realizedRocAuc,
          estimatedRocAuc,
          labelledCount: figures.labelledCount,
          minRocAuc: this.config.alerts.minRocAuc,
          modelCardRocAuc: facts.cardRocAuc,
        },
      });
    }
  }

  /**
   * Realized ROC AUC below the floor (ALERT_MIN_ROC_AUC), or more than PERFORMANCE_MAX_ROC_AUC_DROP
   * below the model card's holdout figure — in both cases by more than two standard errors, so
   * sampling noise in a few hundred labels does not raise a retraining signal. Null when neither holds.
   */
  degradation(realizedRocAuc: number, figures: PerformanceFigures, facts: ModelFacts): string | null {
    const labelled = figures.labelledCount;
    const positives = Math.round((figures.realized?.defaultRate ?? 0) * labelled);
    const standardError = rocAucStandardError(realizedRocAuc, positives, labelled - positives);
    if (!Number.isFinite(standardError)) return null;
    const margin = 2 * standardError;
    const floor = this.config.alerts.minRocAuc;
    const auc = realizedRocAuc.toFixed(3);
    if (realizedRocAuc + margin < floor)
      return `realized ROC AUC ${auc} (±${standardError.toFixed(3)}) is below the floor ${floor.toFixed(3)}`;
    const drop = facts.cardRocAuc === null ? 0 : facts.cardRocAuc - realizedRocAuc;
    if (drop > this.config.performance.maxRocAucDrop + margin) {
      return `realized ROC AUC ${auc} (±${standardError.toFixed(3)}) is ${drop.toFixed(3)} below the model card's ${facts.cardRocAuc!.toFixed(3)}`;
    }
    return null;
  }
}
