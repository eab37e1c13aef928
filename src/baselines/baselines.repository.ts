import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { BaselineProfile } from '../drift-engine/profile-types';

/** A `baselines` row without its (large) profile. */
export interface BaselineSummary {
  id: string;
  version: number;
  name: string;
  source: string;
  rowCount: number;
  isActive: boolean;
  createdAt: Date;
}

export interface NewBaseline {
  version: number;
  name: string;
  source: string;
  rowCount: number;
  profile: BaselineProfile & { modelVersion: string | null };
}

const SUMMARY_COLUMNS = `id, version, name, source, row_count AS "rowCount", is_active AS "isActive", created_at AS "createdAt"`;

/**
 * The only SQL on `baselines`. At most one row is active (partial unique index baselines_one_active);
 * callers serialise numbering and activation with LOCK_KEYS.baselines.
 */
@Injectable()
export class BaselinesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async nextVersion(manager: EntityManager): Promise<number> {
    const [{ next }]: Array<{ next: number }> = await manager.query(`SELECT coalesce(max(version), 0) + 1 AS next FROM baselines`);
    return next;
  }

  async deactivateAll(manager: EntityManager): Promise<void> {
    await manager.query(`UPDATE baselines SET is_active = false WHERE is_active`);
  }

  /** Marks a version active; call deactivateAll first (the one-active index is checked row by row). */
  async markActive(manager: EntityManager, version: number): Promise<void> {
    await manager.query(`UPDATE baselines SET is_active = true WHERE version = $1`, [version]);
  }

  /** Inserts a version as the active one; call deactivateAll first. */
  async insertActive(manager: EntityManager, baseline: NewBaseline): Promise<BaselineSummary> {
    const [row]: BaselineSummary[] = await manager.query(
      `INSERT INTO baselines (version, name, source, row_count, is_active, profile)
       VALUES ($1, $2, $3, $4, true, $5) RETURNING ${SUMMARY_COLUMNS}`,
      [baseline.version, baseline.name, baseline.source, baseline.rowCount, JSON.stringify(baseline.profile)],
    );
    return row;
  }

  async findByVersion(manager: EntityManager, version: number): Promise<BaselineSummary | null> {
    const rows: BaselineSummary[] = await manager.query(`SELECT ${SUMMARY_COLUMNS} FROM baselines WHERE version = $1`, [version]);
    return rows[0] ?? null;
  }

  async count(manager: EntityManager = this.dataSource.manager): Promise<number> {
    const [{ n }]: Array<{ n: number }> = await manager.query(`SELECT count(*)::int AS n FROM baselines`);
    return n;
  }

  /** Every version, newest first. */
  async list(): Promise<BaselineSummary[]> {
    return this.dataSource.query(`SELECT ${SUMMARY_COLUMNS} FROM baselines ORDER BY version DESC`);
  }

  async findActive(): Promise<BaselineSummary | null> {
    const rows: BaselineSummary[] = await this.dataSource.query(`SELECT ${SUMMARY_COLUMNS} FROM baselines WHERE is_active`);
    return rows[0] ?? null;
  }

  /** The active version's id and number, without the profile (one indexed lookup). */
  async activeKey(manager: EntityManager = this.dataSource.manager): Promise<{ id: string; version: number } | null> {
    const rows: Array<{ id: string; version: number }> = await manager.query(`SELECT id, version FROM baselines WHERE is_active`);
    return rows[0] ?? null;
  }

  async profile(manager: EntityManager, id: string): Promise<BaselineProfile> {
    const [row]: Array<{ profile: BaselineProfile }> = await manager.query(`SELECT profile FROM baselines WHERE id = $1`, [id]);
    return row.profile;
  }
}
