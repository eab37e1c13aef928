import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { newestFirstPage } from '../common/pagination/connection';
import { RetrainingCause } from './entities/retraining-event.entity';
import { RetrainingEventRow } from './retraining.mapper';

const KEYSET = { table: 'retraining_events', alias: 'r', timeColumn: 'created_at' } as const;

export interface NewRetrainingEvent {
  modelVersion: string;
  cause: RetrainingCause;
  reason: string;
  details: Record<string, unknown> | null;
}

/** The only SQL on `retraining_events`: at most one OPEN event per (model version, cause). */
@Injectable()
export class RetrainingEventsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Opens an event; null when an OPEN one for this model version and cause already exists (the
   * partial unique index makes a concurrent duplicate a no-op).
   */
  async insertOpen(manager: EntityManager, event: NewRetrainingEvent): Promise<RetrainingEventRow | null> {
    const inserted: RetrainingEventRow[] = await manager.query(
      `INSERT INTO retraining_events (model_version, cause, status, reason, details)
       VALUES ($1, $2, 'OPEN', $3, $4)
       ON CONFLICT (model_version, cause) WHERE status = 'OPEN' DO NOTHING
       RETURNING *`,
      [event.modelVersion, event.cause, event.reason, event.details ? JSON.stringify(event.details) : null],
    );
    return inserted[0] ?? null;
  }

  async findOpen(manager: EntityManager, modelVersion: string, cause: RetrainingCause): Promise<RetrainingEventRow | null> {
    const rows: RetrainingEventRow[] = await manager.query(
      `SELECT * FROM retraining_events WHERE model_version = $1 AND cause = $2 AND status = 'OPEN'`,
      [modelVersion, cause],
    );
    return rows[0] ?? null;
  }

  /** Resolves a model version's OPEN events by the promotion of `promotedVersion`; returns how many. */
  async resolveOpenForVersion(manager: EntityManager, modelVersion: string, promotedVersion: string): Promise<number> {
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

  /**
   * One page, newest first by (created_at, id), with `size + 1` rows when a next page exists, and
   * the total count; `status` null means every status.
   */
  async listPage(
    status: string | null,
    size: number,
    after: string | null | undefined,
  ): Promise<{ rows: RetrainingEventRow[]; total: number }> {
    const page = newestFirstPage(KEYSET, size, after, 2);
    const keyset = page.condition ? `AND ${page.condition}` : '';
    const params = [status, ...page.params, page.limit];
    const [rows, counted] = await Promise.all([
      this.dataSource.query(
        `SELECT r.* FROM retraining_events r WHERE ($1::text IS NULL OR r.status = $1) ${keyset}
         ORDER BY r.created_at DESC, r.id DESC LIMIT $${params.length}`,
        params,
      ) as Promise<RetrainingEventRow[]>,
      this.dataSource.query(`SELECT count(*)::int AS n FROM retraining_events WHERE ($1::text IS NULL OR status = $1)`, [
        status,
      ]) as Promise<Array<{ n: number }>>,
    ]);
    return { rows, total: counted[0].n };
  }
}
