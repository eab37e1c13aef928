import { AuditService } from '../security/audit.service';
import type { Caller } from '../security/caller';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Connection, decodeIdCursor, encodeCursor, pageSize, toConnection } from '../common/pagination/connection';
import { RetrainingCause } from './entities/retraining-event.entity';
import { TriggerRetrainingInput } from './dto/trigger-retraining.input';
import { RetrainingEvent } from './models/retraining-event.model';
import { NoActiveModelError, RetrainingInputError } from './retraining.errors';
import { RetrainingEventRow, toRetrainingEvent } from './retraining.mapper';

export interface RetrainingSignal {
  modelVersion: string;
  cause: RetrainingCause;
  reason: string;
  details?: Record<string, unknown> | null;
}

export interface RaisedSignal {
  event: RetrainingEvent;
  /** False when an OPEN event for this model version and cause already existed (deduplicated). */
  created: boolean;
}

const MAX_REASON_LENGTH = 2_000;

/**
 * Retraining signals. Automatic (drift, performance) and manual signals share one path: at most
 * one OPEN event per (model version, cause) — the partial unique index makes a concurrent
 * duplicate a no-op — and the model version is marked retrainRequired with the reason.
 */
@Injectable()
export class RetrainingEventsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** Inside the caller's transaction, so the signal commits or rolls back with its cause. */
  async raise(manager: EntityManager, signal: RetrainingSignal): Promise<RaisedSignal> {
    const inserted: RetrainingEventRow[] = await manager.query(
      `INSERT INTO retraining_events (model_version, cause, status, reason, details)
       VALUES ($1, $2, 'OPEN', $3, $4)
       ON CONFLICT (model_version, cause) WHERE status = 'OPEN' DO NOTHING
       RETURNING *`,
      [signal.modelVersion, signal.cause, signal.reason, signal.details ? JSON.stringify(signal.details) : null],
    );
    if (inserted.length) {
      await manager.query(`UPDATE model_versions SET retrain_required = true, retrain_reason = $2 WHERE version = $1`, [
        signal.modelVersion,
        `${signal.cause}: ${signal.reason}`,
      ]);
      return { event: toRetrainingEvent(inserted[0]), created: true };
    }
    const [open]: RetrainingEventRow[] = await manager.query(
      `SELECT * FROM retraining_events WHERE model_version = $1 AND cause = $2 AND status = 'OPEN'`,
      [signal.modelVersion, signal.cause],
    );
    return { event: toRetrainingEvent(open), created: false };
  }

  /** The triggerRetraining mutation: a MANUAL signal for the ACTIVE model version. */
  async triggerManual(input: TriggerRetrainingInput, caller: Caller): Promise<RetrainingEvent> {
    const reason = input.reason.trim();
    if (!reason || reason.length > MAX_REASON_LENGTH) {
      throw new RetrainingInputError('reason', `must be 1 to ${MAX_REASON_LENGTH} characters`);
    }
    return this.dataSource.transaction(async (manager) => {
      const [active]: Array<{ version: string }> = await manager.query(`SELECT version FROM model_versions WHERE status = 'ACTIVE'`);
      if (!active) throw new NoActiveModelError();
      const raised = await this.raise(manager, { modelVersion: active.version, cause: 'MANUAL', reason });
      await this.audit.record(manager, caller, {
        action: 'Mutation.triggerRetraining',
        target: { retrainingEventId: raised.event.id, modelVersion: active.version },
        summary: { created: raised.created, reasonLength: reason.length },
      });
      return raised.event;
    });
  }

  /** Closes a model version's OPEN events (its successor was promoted), in the caller's transaction. */
  async resolveForVersion(manager: EntityManager, modelVersion: string, promotedVersion: string): Promise<number> {
    const resolved: unknown[] = await manager.query(
      `WITH u AS (
         UPDATE retraining_events
         SET status = 'RESOLVED', resolved_at = now(),
             details = coalesce(details, '{}'::jsonb) || jsonb_build_object('resolvedBy', 'promotion', 'promotedVersion', $2::text)
         WHERE model_version = $1 AND status = 'OPEN'
         RETURNING id)
       SELECT id FROM u`,
      [modelVersion, promotedVersion],
    );
    return resolved.length;
  }

  /** Newest first, keyset-paged on (created_at, id). */
  async list(first: number | null | undefined, after: string | null | undefined, status?: string | null): Promise<Connection<RetrainingEvent>> {
    const size = pageSize(first);
    const params: unknown[] = [status ?? null];
    let keyset = '';
    if (after) {
      const id = decodeIdCursor(after);
      params.push(id);
      keyset = `AND (created_at, id) < ((SELECT created_at FROM retraining_events WHERE id = $2::uuid), $2::uuid)`;
    }
    params.push(size + 1);
    const [rows, counted] = await Promise.all([
      this.dataSource.query(
        `SELECT * FROM retraining_events WHERE ($1::text IS NULL OR status = $1) ${keyset}
         ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
        params,
      ) as Promise<RetrainingEventRow[]>,
      this.dataSource.query(`SELECT count(*)::int AS n FROM retraining_events WHERE ($1::text IS NULL OR status = $1)`, [status ?? null]) as Promise<
        Array<{ n: number }>
      >,
    ]);
    return toConnection(rows, size, counted[0].n, (r) => encodeCursor([r.id]), toRetrainingEvent);
  }
}
