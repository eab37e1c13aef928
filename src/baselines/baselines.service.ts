import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { LOCK_KEYS, lockForTransaction } from '../database/advisory-locks';
import { baselineColumnKinds, BaselineColumns } from '../drift-engine/baseline-columns';
import { buildBaselineProfile } from '../drift-engine/profile';
import { BaselineProfile } from '../drift-engine/profile-types';
import { AuditService } from '../security/audit.service';
import type { Caller } from '../security/caller';
import { BaselineNotFoundError } from './baselines.errors';
import { BaselinesRepository, BaselineSummary } from './baselines.repository';

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
    private readonly baselines: BaselinesRepository,
    private readonly audit: AuditService,
  ) {}

  /** Creates the next version from the given columns and makes it the active one. */
  async createVersion(
    columns: BaselineColumns,
    meta: { name: string; source: string; modelVersion: string | null },
    manager?: EntityManager,
  ): Promise<BaselineSummary> {
    return this.createVersionFromProfile(buildBaselineProfile(columns, baselineColumnKinds()), meta, manager);
  }

  /** Creates the next version from a profile built elsewhere (from prediction logs, in PostgreSQL). */
  async createVersionFromProfile(
    built: BaselineProfile,
    meta: { name: string; source: string; modelVersion: string | null },
    manager?: EntityManager,
  ): Promise<BaselineSummary> {
    const profile = { ...built, modelVersion: meta.modelVersion };
    const work = async (m: EntityManager): Promise<BaselineSummary> => {
      // Serialises version numbering and activation across instances.
      await lockForTransaction(m, LOCK_KEYS.baselines);
      const version = await this.baselines.nextVersion(m);
      await this.baselines.deactivateAll(m);
      return this.baselines.insertActive(m, { version, name: meta.name, source: meta.source, rowCount: profile.rowCount, profile });
    };
    return manager ? work(manager) : this.dataSource.transaction(work);
  }

  /** Rolls back (or forward) to an existing version. */
  async activate(version: number, caller: Caller): Promise<BaselineSummary> {
    return this.dataSource.transaction(async (m) => {
      // Serialises version numbering and activation across instances.
      await lockForTransaction(m, LOCK_KEYS.baselines);
      const target = await this.baselines.findByVersion(m, version);
      if (!target) throw new BaselineNotFoundError(version);
      // Two statements: the one-active unique index is checked row by row, not at the end.
      await this.baselines.deactivateAll(m);
      await this.baselines.markActive(m, version);
      await this.audit.record(m, caller, {
        action: 'Mutation.activateBaseline',
        target: { baselineId: target.id, version },
        summary: { wasActive: target.isActive },
      });
      return { ...target, isActive: true };
    });
  }

  async count(manager?: EntityManager): Promise<number> {
    return this.baselines.count(manager);
  }

  async list(): Promise<BaselineSummary[]> {
    return this.baselines.list();
  }

  async activeEntity(): Promise<BaselineSummary | null> {
    return this.baselines.findActive();
  }

  /**
   * The active baseline with its parsed profile. One indexed lookup per call (another instance
   * may have activated a different version); the profile itself is parsed once per version.
   */
  async active(manager?: EntityManager): Promise<ActiveBaseline | null> {
    const m = manager ?? this.dataSource.manager;
    const key = await this.baselines.activeKey(m);
    if (!key) return null;
    const { id, version } = key;
    let profile = this.profiles.get(id);
    if (!profile) {
      profile = await this.baselines.profile(m, id);
      this.profiles.set(id, profile);
    }
    return { id, version, profile };
  }
}
