import { AuditService } from '../security/audit.service';
import type { Caller } from '../security/caller';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { lockForTransaction, LOCK_KEYS } from '../database/advisory-locks';
import { buildBaselineProfile } from '../drift-engine/profile';
import { BaselineProfile } from '../drift-engine/profile-types';
import { BaselineColumns, baselineColumnKinds } from '../drift-engine/baseline-columns';
import { BaselineNotFoundError } from './baselines.errors';
import { BaselineEntity } from './entities/baseline.entity';

/** Everything but the (large) profile. */
const SUMMARY_COLUMNS = { id: true, version: true, name: true, source: true, rowCount: true, isActive: true, createdAt: true } as const;

export interface ActiveBaseline {
  id: string;
  version: number;
  profile: BaselineProfile;
}

/**
 * Versioned baselines: each version stores the precomputed profile the drift tests need, so a
 * batch check never re-reads the source. Exactly one version is active; activation is atomic.
 */
@Injectable()
export class BaselinesService {
  /** Parsed profiles by baseline id: a profile never changes once written, so caching is safe. */
  private readonly profiles = new Map<string, BaselineProfile>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** Creates the next version from the given columns and makes it the active one. */
  async createVersion(
    columns: BaselineColumns,
    meta: { name: string; source: string; modelVersion: string | null },
    manager?: EntityManager,
  ): Promise<BaselineEntity> {
    const profile = { ...buildBaselineProfile(columns, baselineColumnKinds()), modelVersion: meta.modelVersion };
    const work = async (m: EntityManager): Promise<BaselineEntity> => {
      // Serialises version numbering and activation across instances.
      await lockForTransaction(m, LOCK_KEYS.baselines);
      const [{ next }] = await m.query(`SELECT coalesce(max(version), 0) + 1 AS next FROM baselines`);
      await m.query(`UPDATE baselines SET is_active = false WHERE is_active`);
      const [row] = await m.query(
        `INSERT INTO baselines (version, name, source, row_count, is_active, profile)
         VALUES ($1, $2, $3, $4, true, $5) RETURNING id`,
        [next, meta.name, meta.source, profile.rowCount, JSON.stringify(profile)],
      );
      return m.getRepository(BaselineEntity).findOneOrFail({ select: SUMMARY_COLUMNS, where: { id: row.id } });
    };
    return manager ? work(manager) : this.dataSource.transaction(work);
  }

  /** Rolls back (or forward) to an existing version. */
  async activate(version: number, caller: Caller): Promise<BaselineEntity> {
    return this.dataSource.transaction(async (m) => {
      // Serialises version numbering and activation across instances.
      await lockForTransaction(m, LOCK_KEYS.baselines);
      const target = await m.getRepository(BaselineEntity).findOne({ select: SUMMARY_COLUMNS, where: { version } });
      if (!target) throw new BaselineNotFoundError(version);
      // Two statements: the one-active unique index is checked row by row, not at the end.
      await m.query(`UPDATE baselines SET is_active = false WHERE is_active`);
      await m.query(`UPDATE baselines SET is_active = true WHERE version = $1`, [version]);
      await this.audit.record(m, caller, { action: 'Mutation.activateBaseline', target: { baselineId: target.id, version }, summary: { wasActive: target.isActive } });
      return { ...target, isActive: true };
    });
  }

  async count(manager?: EntityManager): Promise<number> {
    return (manager ?? this.dataSource.manager).getRepository(BaselineEntity).count();
  }

  async list(): Promise<BaselineEntity[]> {
    return this.dataSource.getRepository(BaselineEntity).find({
      select: SUMMARY_COLUMNS,
      order: { version: 'DESC' },
    });
  }

  async activeEntity(): Promise<BaselineEntity | null> {
    return this.dataSource.getRepository(BaselineEntity).findOne({
      select: SUMMARY_COLUMNS,
      where: { isActive: true },
    });
  }

  /**
   * The active baseline with its parsed profile. One indexed lookup per call (another instance
   * may have activated a different version); the profile itself is parsed once per version.
   */
  async active(manager?: EntityManager): Promise<ActiveBaseline | null> {
    const m = manager ?? this.dataSource.manager;
    const rows: Array<{ id: string; version: number }> = await m.query(`SELECT id, version FROM baselines WHERE is_active`);
    if (rows.length === 0) return null;
    const { id, version } = rows[0];
    let profile = this.profiles.get(id);
    if (!profile) {
      const [row] = await m.query(`SELECT profile FROM baselines WHERE id = $1`, [id]);
      profile = row.profile as BaselineProfile;
      this.profiles.set(id, profile);
    }
    return { id, version, profile };
  }
}
