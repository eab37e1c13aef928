import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Connection, encodeCursor, pageSize, toConnection } from '../common/pagination/connection';
import { ModelVersionsRepository } from '../scoring/model-versions.repository';
import { AuditService } from '../security/audit.service';
import type { Caller } from '../security/caller';
import { TriggerRetrainingInput } from './dto/trigger-retraining.input';
import { RetrainingCause } from './entities/retraining-event.entity';
import { RetrainingEvent } from './models/retraining-event.model';
import { NoActiveModelError, RetrainingInputError } from './retraining.errors';
import { toRetrainingEvent } from './retraining.mapper';
import { RetrainingEventsRepository } from './retraining-events.repository';

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
    private readonly events: RetrainingEventsRepository,
    private readonly versions: ModelVersionsRepository,
    private readonly audit: AuditService,
  ) {}

  /** Inside the caller's transaction, so the signal commits or rolls back with its cause. */
  async raise(manager: EntityManager, signal: RetrainingSignal): Promise<RaisedSignal> {
    const inserted = await this.events.insertOpen(manager, {
      modelVersion: signal.modelVersion,
      cause: signal.cause,
      reason: signal.reason,
      details: signal.details ?? null,
    });
    if (inserted) {
      await this.versions.markRetrainRequired(manager, signal.modelVersion, `${signal.cause}: ${signal.reason}`);
      return { event: toRetrainingEvent(inserted), created: true };
    }
    // The insert was skipped because this OPEN event exists.
    const open = await this.events.findOpen(manager, signal.modelVersion, signal.cause);
    return { event: toRetrainingEvent(open!), created: false };
  }

  /** The triggerRetraining mutation: a MANUAL signal for the ACTIVE model version. */
  async triggerManual(input: TriggerRetrainingInput, caller: Caller): Promise<RetrainingEvent> {
    const reason = input.reason.trim();
    if (!reason || reason.length > MAX_REASON_LENGTH) {
      throw new RetrainingInputError('reason', `must be 1 to ${MAX_REASON_LENGTH} characters`);
    }
    return this.dataSource.transaction(async (manager) => {
      const active = await this.versions.findActive(manager);
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
    return this.events.resolveOpenForVersion(manager, modelVersion, promotedVersion);
  }

  /** Newest first, keyset-paged on (created_at, id). */
  async list(
    first: number | null | undefined,
    after: string | null | undefined,
    status?: string | null,
  ): Promise<Connection<RetrainingEvent>> {
    const size = pageSize(first);
    const { rows, total } = await this.events.listPage(status ?? null, size, after);
    return toConnection(rows, size, total, (r) => encodeCursor([r.id]), toRetrainingEvent);
  }
}
