import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { InputProblem, InputValidationError } from '../common/errors/domain-error';
import { customerIdProblem } from '../common/validation/customer-id';
import { unsafeTextReason } from '../common/validation/text-safety';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { MatchedPrediction, OutcomeUpdate, PredictionLogsRepository } from '../prediction-logs/prediction-logs.repository';
import { AuditService } from '../security/audit.service';
import type { Caller } from '../security/caller';
import { SubmitOutcomesInput } from './dto/submit-outcomes.input';
import { OutcomeConflict, SubmitOutcomesPayload, UnknownOutcome } from './models/submit-outcomes.model';
import { PerformanceService } from './performance.service';

const MAX_LISTED = 1_000;

type SubmittedOutcome = SubmitOutcomesInput['outcomes'][number];

/** The outcome each matched prediction gets (the first one submitted for it). */
type SubmittedByRow = Map<string, { value: boolean; observedAt: Date }>;

/** How the matched predictions are settled: what is written, and what the caller is told. */
interface OutcomeDecision {
  updates: OutcomeUpdate[];
  conflicts: OutcomeConflict[];
  /** Batch uuid to the caller's batch key, for every batch with a changed row. */
  changedBatches: Map<string, string>;
  matchedRows: number;
  labelledRows: number;
  unchangedRows: number;
  overwrittenRows: number;
}

/**
 * submitOutcomes: joins late outcomes to logged predictions, in one transaction. Same outcome
 * again -> nothing changes; a different stored outcome -> reported as a conflict and kept,
 * unless overwrite; no matching prediction -> listed as unknown. Every batch that changed is
 * recomputed (realized metrics, labelled count) in the same transaction.
 */
@Injectable()
export class OutcomesService {
  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly predictionLogs: PredictionLogsRepository,
    private readonly performance: PerformanceService,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
  ) {}

  /** One submitOutcomes, counted by outcome once it is answered (after COMMIT). */
  async submit(input: SubmitOutcomesInput, caller: Caller): Promise<SubmitOutcomesPayload> {
    const received = input.outcomes.length;
    try {
      const payload = await this.submitInTransaction(input, caller);
      this.metrics.recordOutcomeSubmission('success', received);
      return payload;
    } catch (error) {
      this.metrics.recordOutcomeSubmission(MetricsService.failureOutcome(error), received);
      throw error;
    }
  }

  private async submitInTransaction(input: SubmitOutcomesInput, caller: Caller): Promise<SubmitOutcomesPayload> {
    const outcomes = this.validate(input);
    return this.dataSource.transaction(async (manager) => {
      // The matched rows stay locked until COMMIT: two submissions for one row are decided one after the other.
      const matched = await this.predictionLogs.lockMatchingPredictions(
        manager,
        outcomes.map((o) => ({ customerId: o.customerId, batchKey: o.batchId ?? null, observedAt: o.observedAt })),
      );
      const decision = decide(matched, submittedByRow(outcomes, matched), !!input.overwrite);
      if (decision.updates.length) {
        await this.predictionLogs.setOutcomes(manager, decision.updates);
        await this.performance.recomputeBatches(manager, [...decision.changedBatches.keys()]);
      }
      const unknown = unknownOutcomes(outcomes, matched);
      await this.recordAudit(manager, caller, input, decision, unknown);
      return {
        received: input.outcomes.length,
        matchedRows: decision.matchedRows,
        labelledRows: decision.labelledRows,
        unchangedRows: decision.unchangedRows,
        overwrittenRows: decision.overwrittenRows,
        conflictCount: decision.conflicts.length,
        conflicts: decision.conflicts.slice(0, MAX_LISTED),
        unknownCount: unknown.length,
        unknown: unknown.slice(0, MAX_LISTED),
        batchesRecomputed: [...decision.changedBatches.values()].sort(),
      };
    });
  }

  private async recordAudit(
    manager: EntityManager,
    caller: Caller,
    input: SubmitOutcomesInput,
    decision: OutcomeDecision,
    unknown: UnknownOutcome[],
  ): Promise<void> {
    await this.audit.record(manager, caller, {
      action: 'Mutation.submitOutcomes',
      target: { batches: [...decision.changedBatches.values()].sort().slice(0, 50) },
      summary: {
        received: input.outcomes.length,
        labelledRows: decision.labelledRows,
        overwrittenRows: decision.overwrittenRows,
        conflicts: decision.conflicts.length,
        unknown: unknown.length,
        overwrite: !!input.overwrite,
      },
    });
  }

  /** Every problem at once, with its index; identical repeats in one request are harmless. */
  private validate(input: SubmitOutcomesInput): SubmitOutcomesInput['outcomes'] {
    const outcomes = input.outcomes;
    const problems: InputProblem[] = [];
    if (outcomes.length === 0) problems.push({ index: null, field: 'outcomes', rule: 'must contain at least one outcome' });
    if (outcomes.length > this.config.maxBatchSize) {
      problems.push({
        index: null,
        field: 'outcomes',
        rule: `at most ${this.config.maxBatchSize} outcomes per call`,
        value: outcomes.length,
      });
    }
    outcomes.forEach((o, index) => {
      // Before the lengths: a NUL fails the lookup query inside PostgreSQL (a 500, no index), and a
      // lone surrogate reaches it as U+FFFD, matching some other id or none.
      // Ingestion's rule: an id it would refuse cannot have been stored, so it is refused here too.
      const idProblem = customerIdProblem(o.customerId);
      if (idProblem) problems.push({ index, field: 'customerId', rule: idProblem.rule });
      if (o.batchId !== null && o.batchId !== undefined) {
        const unsafeBatch = unsafeTextReason(o.batchId);
        if (unsafeBatch) problems.push({ index, field: 'batchId', rule: unsafeBatch });
        else if (o.batchId.length < 1 || o.batchId.length > 128)
          problems.push({ index, field: 'batchId', rule: 'must be 1–128 characters' });
      }
      if (Number.isNaN(o.observedAt.getTime())) problems.push({ index, field: 'observedAt', rule: 'must be a valid time' });
    });
    if (problems.length) throw new InputValidationError(problems);
    return outcomes;
  }
}

/**
 * The outcome each matched prediction gets. Two outcomes in one request that match the same
 * prediction with different values are refused together (BAD_USER_INPUT), before anything is written.
 */
function submittedByRow(outcomes: ReadonlyArray<SubmittedOutcome>, matched: ReadonlyArray<MatchedPrediction>): SubmittedByRow {
  const submitted: SubmittedByRow = new Map();
  const problems: InputProblem[] = [];
  for (const row of matched) {
    const outcome = outcomes[row.ord];
    const earlier = submitted.get(row.id);
    if (earlier && earlier.value !== outcome.actualDefault) {
      const rule = `contradicts another outcome in this request for ${row.customerId} in batch ${row.batchKey}`;
      problems.push({ index: row.ord, field: 'actualDefault', rule });
    }
    if (!earlier) submitted.set(row.id, { value: outcome.actualDefault, observedAt: outcome.observedAt });
  }
  if (problems.length) throw new InputValidationError(problems);
  return submitted;
}

/**
 * Same outcome again: unchanged; a different stored outcome: a conflict, kept unless overwrite;
 * otherwise the row is labelled (or overwritten) and its batch recomputed.
 */
function decide(matched: ReadonlyArray<MatchedPrediction>, submitted: SubmittedByRow, overwrite: boolean): OutcomeDecision {
  const decision: OutcomeDecision = {
    updates: [],
    conflicts: [],
    changedBatches: new Map(),
    matchedRows: 0,
    labelledRows: 0,
    unchangedRows: 0,
    overwrittenRows: 0,
  };
  const seen = new Set<string>();
  for (const row of matched) {
    if (seen.has(row.id)) continue;
    seen.add(row.id);
    const outcome = submitted.get(row.id)!;
    if (row.storedDefault === outcome.value) {
      decision.unchangedRows++;
      continue;
    }
    if (row.storedDefault !== null && !overwrite) {
      decision.conflicts.push({
        customerId: row.customerId,
        batchId: row.batchKey,
        storedDefault: row.storedDefault,
        submittedDefault: outcome.value,
        storedObservedAt: row.storedObservedAt,
      });
      continue;
    }
    if (row.storedDefault === null) decision.labelledRows++;
    else decision.overwrittenRows++;
    decision.updates.push({ id: row.id, ...outcome });
    decision.changedBatches.set(row.batchUuid, row.batchKey);
  }
  decision.matchedRows = seen.size;
  return decision;
}

/** Outcomes that matched no logged prediction. */
function unknownOutcomes(outcomes: ReadonlyArray<SubmittedOutcome>, matched: ReadonlyArray<MatchedPrediction>): UnknownOutcome[] {
  const matchedOrds = new Set(matched.map((row) => row.ord));
  return outcomes.filter((_, i) => !matchedOrds.has(i)).map((o) => ({ customerId: o.customerId, batchId: o.batchId ?? null }));
}
