import { AuditService } from '../security/audit.service';
import type { Caller } from '../security/caller';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { InputProblem, InputValidationError } from '../common/errors/domain-error';
import { unsafeTextReason } from '../common/validation/text-safety';
import { AppConfig } from '../config/app-config';
import { SubmitOutcomesInput } from './dto/submit-outcomes.input';
import { OutcomeConflict, SubmitOutcomesPayload, UnknownOutcome } from './models/submit-outcomes.model';
import { PerformanceService } from './performance.service';

const MAX_LISTED = 1_000;

interface MatchedRow {
  ord: number;
  id: string;
  batch_uuid: string;
  batch_key: string;
  customer_id: string;
  stored: boolean | null;
  stored_at: Date | null;
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
    private readonly performance: PerformanceService,
    private readonly audit: AuditService,
  ) {}

  async submit(input: SubmitOutcomesInput, caller: Caller): Promise<SubmitOutcomesPayload> {
    const outcomes = this.validate(input);
    return this.dataSource.transaction(async (manager) => {
      // Locks the matched rows (in id order, so concurrent submissions cannot deadlock) until
      // COMMIT: two submissions for the same row are decided one after the other.
      const matched: MatchedRow[] = await manager.query(
        `WITH input AS (
           SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::timestamptz[]) AS i(ord, customer_id, batch_key, observed_at))
         SELECT i.ord, p.id, p.batch_id AS batch_uuid, b.batch_id AS batch_key, p.customer_id, p.actual_default AS stored,
                p.outcome_observed_at AS stored_at
         FROM input i
         JOIN prediction_logs p ON p.customer_id = i.customer_id
         JOIN batches b ON b.id = p.batch_id
         WHERE CASE WHEN i.batch_key IS NULL THEN p.created_at <= i.observed_at ELSE b.batch_id = i.batch_key END
         ORDER BY p.id
         FOR UPDATE OF p`,
        [outcomes.map((_, i) => i), outcomes.map((o) => o.customerId), outcomes.map((o) => o.batchId ?? null), outcomes.map((o) => o.observedAt)],
      );

      const submittedByRow = new Map<string, { value: boolean; observedAt: Date }>();
      const problems: InputProblem[] = [];
      for (const row of matched) {
        const outcome = outcomes[row.ord];
        const earlier = submittedByRow.get(row.id);
        if (earlier && earlier.value !== outcome.actualDefault) {
          problems.push({ index: row.ord, field: 'actualDefault', rule: `contradicts another outcome in this request for ${row.customer_id} in batch ${row.batch_key}` });
        }
        if (!earlier) submittedByRow.set(row.id, { value: outcome.actualDefault, observedAt: outcome.observedAt });
      }
      if (problems.length) throw new InputValidationError(problems);

      const updates: Array<{ id: string; value: boolean; observedAt: Date }> = [];
      const conflicts: OutcomeConflict[] = [];
      const changedBatches = new Map<string, string>();
      let labelledRows = 0;
      let unchangedRows = 0;
      let overwrittenRows = 0;
      const seen = new Set<string>();
      for (const row of matched) {
        if (seen.has(row.id)) continue;
        seen.add(row.id);
        const submitted = submittedByRow.get(row.id)!;
        if (row.stored === submitted.value) {
          unchangedRows++;
          continue;
        }
        if (row.stored !== null && !input.overwrite) {
          conflicts.push({ customerId: row.customer_id, batchId: row.batch_key, storedDefault: row.stored, submittedDefault: submitted.value, storedObservedAt: row.stored_at });
          continue;
        }
        if (row.stored === null) labelledRows++;
        else overwrittenRows++;
        updates.push({ id: row.id, ...submitted });
        changedBatches.set(row.batch_uuid, row.batch_key);
      }
      if (updates.length) {
        await manager.query(
          `UPDATE prediction_logs p SET actual_default = u.value, outcome_observed_at = u.observed_at
           FROM unnest($1::bigint[], $2::boolean[], $3::timestamptz[]) AS u(id, value, observed_at) WHERE p.id = u.id`,
          [updates.map((u) => u.id), updates.map((u) => u.value), updates.map((u) => u.observedAt)],
        );
        await this.performance.recomputeBatches(manager, [...changedBatches.keys()]);
      }

      const matchedOrds = new Set(matched.map((row) => row.ord));
      const unknown: UnknownOutcome[] = outcomes
        .filter((_, i) => !matchedOrds.has(i))
        .map((o) => ({ customerId: o.customerId, batchId: o.batchId ?? null }));
      await this.audit.record(manager, caller, {
        action: 'Mutation.submitOutcomes',
        target: { batches: [...changedBatches.values()].sort().slice(0, 50) },
        summary: { received: input.outcomes.length, labelledRows, overwrittenRows, conflicts: conflicts.length, unknown: unknown.length, overwrite: !!input.overwrite },
      });
      return {
        received: input.outcomes.length,
        matchedRows: seen.size,
        labelledRows,
        unchangedRows,
        overwrittenRows,
        conflictCount: conflicts.length,
        conflicts: conflicts.slice(0, MAX_LISTED),
        unknownCount: unknown.length,
        unknown: unknown.slice(0, MAX_LISTED),
        batchesRecomputed: [...changedBatches.values()].sort(),
      };
    });
  }

  /** Every problem at once, with its index; identical repeats in one request are harmless. */
  private validate(input: SubmitOutcomesInput): SubmitOutcomesInput['outcomes'] {
    const outcomes = input.outcomes;
    const problems: InputProblem[] = [];
    if (outcomes.length === 0) problems.push({ index: null, field: 'outcomes', rule: 'must contain at least one outcome' });
    if (outcomes.length > this.config.maxBatchSize) {
      problems.push({ index: null, field: 'outcomes', rule: `at most ${this.config.maxBatchSize} outcomes per call`, value: outcomes.length });
    }
    outcomes.forEach((o, index) => {
      // Before the lengths: a NUL fails the lookup query inside PostgreSQL (a 500, no index), and a
      // lone surrogate reaches it as U+FFFD, matching some other id or none.
      const unsafeId = unsafeTextReason(o.customerId);
      if (unsafeId) problems.push({ index, field: 'customerId', rule: unsafeId });
      else if (o.customerId.length < 1 || o.customerId.length > 64) problems.push({ index, field: 'customerId', rule: 'must be 1–64 characters' });
      if (o.batchId !== null && o.batchId !== undefined) {
        const unsafeBatch = unsafeTextReason(o.batchId);
        if (unsafeBatch) problems.push({ index, field: 'batchId', rule: unsafeBatch });
        else if (o.batchId.length < 1 || o.batchId.length > 128) problems.push({ index, field: 'batchId', rule: 'must be 1–128 characters' });
      }
      if (Number.isNaN(o.observedAt.getTime())) problems.push({ index, field: 'observedAt', rule: 'must be a valid time' });
    });
    if (problems.length) throw new InputValidationError(problems);
    return outcomes;
  }
}
