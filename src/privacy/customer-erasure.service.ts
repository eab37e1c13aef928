import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { InputValidationError } from '../common/errors/domain-error';
import { customerIdProblem, jsonTextOf } from '../common/validation/customer-id';
import { BatchProfilesRepository } from '../prediction-logs/batch-profiles.repository';
import { BatchTextFields, LedgerErasureRepository } from '../prediction-logs/ledger-erasure.repository';
import { AuditService } from '../security/audit.service';
import type { Caller } from '../security/caller';
import { EraseCustomerDataInput } from './dto/erase-customer-data.input';
import { CustomerErasure } from './models/customer-erasure.model';
import { redactJson, redactText } from './redaction';

/** Ingestion's customerId rule (common/validation), so every stored id can be named here. */
function validCustomerId(customerId: unknown): string {
  const problem = customerIdProblem(customerId);
  if (problem) throw new InputValidationError([{ index: null, field: 'customerId', rule: problem.rule }]);
  return customerId as string;
}

/**
 * eraseCustomerData: the right to erasure for one applicant, in one transaction.
 *
 * Where a customer id is stored, and what happens to it:
 * - prediction_logs (features, score, outcome: actual_default, outcome_observed_at): the rows are
 *   deleted, in whichever partition they sit;
 * - batches: the payload fingerprint of every batch that held those rows is voided (it was
 *   computed over the records, ids included); a batch key or metadata that embeds the id has it
 *   replaced by the erasure's marker;
 * - audit_log: rows whose target, summary or request id mention the id (summaries never hold
 *   customer ids, but caller-chosen batch keys and request ids may embed one) are redacted the
 *   same way, through the trigger's erasure exception;
 * - batch_profiles: the profiles of those batches are deleted: a small batch's profile (its
 *   extremes, category counts) could still describe the applicant; window checks then bin the
 *   batches' remaining rows in PostgreSQL instead;
 * and what stays: aggregates that describe what was observed, not the person (batch sizes and
 * labelled counts, data-quality summaries, drift reports and metrics, performance metrics,
 * baselines).
 *
 * The erasure is audited with its id and counts; the customer id is written nowhere, logs
 * included. Erasing a customer the service holds nothing of is not an error: the counts are 0.
 */
@Injectable()
export class CustomerErasureService {
  private readonly logger = new Logger('Privacy');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ledger: LedgerErasureRepository,
    private readonly batchProfiles: BatchProfilesRepository,
    private readonly audit: AuditService,
  ) {}

  async erase(input: EraseCustomerDataInput, caller: Caller): Promise<CustomerErasure> {
    const customerId = validCustomerId(input.customerId);
    const erasureId = randomUUID();
    const marker = `[erased:${erasureId}]`;
    const result = await this.dataSource.transaction(async (manager) => {
      const erased = await this.ledger.deletePredictions(manager, customerId);
      await this.batchProfiles.deleteForBatches(
        manager,
        erased.map((b) => b.batchUuid),
      );
      const batchRecords = new Set<string>();
      for (const id of await this.redactBatches(manager, customerId, marker)) batchRecords.add(id);
      // After the redaction, so the keys returned are the ones now stored.
      const keys = await this.ledger.voidFingerprints(
        manager,
        erased.map((b) => b.batchUuid),
        `erased:${erasureId}`,
      );
      for (const id of keys.keys()) batchRecords.add(id);
      const auditEntries = await this.redactAudit(manager, customerId, marker, erasureId);
      const erasure: CustomerErasure = {
        erasureId,
        erasedAt: new Date(),
        predictionLogs: erased.reduce((n, b) => n + b.rows, 0),
        outcomes: erased.reduce((n, b) => n + b.outcomes, 0),
        batches: [...keys.values()].sort(),
        batchRecords: batchRecords.size,
        auditEntries,
      };
      await this.audit.record(manager, caller, {
        action: 'Mutation.eraseCustomerData',
        target: { erasureId },
        summary: {
          predictionLogs: erasure.predictionLogs,
          outcomes: erasure.outcomes,
          batches: erasure.batches.length,
          batchRecords: erasure.batchRecords,
          auditEntries,
        },
      });
      return erasure;
    });
    this.logger.log({
      msg: 'customer data erased',
      erasureId,
      predictionLogs: result.predictionLogs,
      outcomes: result.outcomes,
      batches: result.batches.length,
      batchRecords: result.batchRecords,
      auditEntries: result.auditEntries,
    });
    return result;
  }

  /** Batch keys and metadata that embed the id; returns the ids of the batches rewritten. */
  private async redactBatches(manager: EntityManager, customerId: string, marker: string): Promise<string[]> {
    const candidates = await this.ledger.batchesMentioning(manager, customerId, jsonTextOf(customerId));
    const rewritten: BatchTextFields[] = [];
    for (const batch of candidates) {
      const batchId = redactText(batch.batchId, customerId, marker);
      const metadata = redactJson(batch.metadata, customerId, marker);
      if (batchId !== batch.batchId || metadata.changed) rewritten.push({ id: batch.id, batchId, metadata: metadata.value });
    }
    await this.ledger.rewriteBatchText(manager, rewritten);
    return rewritten.map((b) => b.id);
  }

  /** Audit rows that mention the id; returns how many were rewritten. */
  private async redactAudit(manager: EntityManager, customerId: string, marker: string, erasureId: string): Promise<number> {
    const candidates = await this.audit.rowsMentioning(manager, customerId);
    const rewritten = candidates.flatMap((row) => {
      const target = redactJson(row.target, customerId, marker);
      const summary = redactJson(row.summary, customerId, marker);
      const requestId = row.requestId === null ? null : redactText(row.requestId, customerId, marker);
      return target.changed || summary.changed || requestId !== row.requestId
        ? [{ id: row.id, target: target.value, summary: summary.value, requestId }]
        : [];
    });
    await this.audit.redact(manager, erasureId, rewritten);
    return rewritten.length;
  }
}
