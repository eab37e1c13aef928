import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Connection, encodeCursor, toConnection } from '../common/pagination/connection';
import { ModelVersionsRepository } from '../scoring/model-versions.repository';
import { AuditService } from '../security/audit.service';
import type { Caller } from '../security/caller';
import { PromoteModelVersionInput } from './dto/promote-model-version.input';
import { ModelVersion } from './models/model-version.model';
import { FourEyesViolationError, ModelVersionNotFoundError, ModelVersionNotPromotableError } from './retraining.errors';
import { toModelVersion } from './retraining.mapper';
import { RetrainingEventsService } from './retraining-events.service';

/**
 * The model registry's API (model_versions, owned by scoring): listing and promotion with its
 * four-eyes check and audit row. Scoring on every instance reads the ACTIVE row before each
 * batch, so a promotion committed here switches scoring everywhere without a restart.
 */
@Injectable()
export class ModelRegistryService {
  private readonly logger = new Logger('ModelRegistry');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly versions: ModelVersionsRepository,
    private readonly events: RetrainingEventsService,
    private readonly audit: AuditService,
  ) {}

  async get(version: string): Promise<ModelVersion> {
    const row = await this.versions.get(version);
    if (!row) throw new ModelVersionNotFoundError(version);
    return toModelVersion(row);
  }

  /** Newest first, keyset-paged on (created_at, id). */
  async list(first: number | null | undefined, after: string | null | undefined): Promise<Connection<ModelVersion>> {
    const { rows, size, totalCount } = await this.versions.list(first, after);
    return toConnection(rows, size, totalCount, (r) => encodeCursor([r.id]), toModelVersion);
  }

  /**
   * CANDIDATE (or RETIRED, for a rollback) -> ACTIVE, the old ACTIVE -> RETIRED, and the old
   * version's OPEN retraining events resolved, in one transaction. Promoting the ACTIVE version
   * again changes nothing.
   */
  async promote(input: PromoteModelVersionInput, caller: Caller): Promise<ModelVersion> {
    const version = input.version.trim();
    const previous = await this.dataSource.transaction(async (manager) => {
      // Serialises registry writers (promotions, start-up registration) without blocking readers.
      await this.versions.lock(manager);
      const target = await this.versions.findPromotionTarget(manager, version);
      if (!target) throw new ModelVersionNotFoundError(version);
      if (target.status === 'ACTIVE') {
        await this.audit.record(manager, caller, {
          action: 'Mutation.promoteModelVersion',
          target: { modelVersion: version },
          summary: { alreadyActive: true },
        });
        return null;
      }
      if (target.trainedBy !== null && target.trainedBy === caller.principal.name)
        throw new FourEyesViolationError(version, target.trainedBy);
      if (target.kind !== 'artifact' || !target.hasArtifact) {
        throw new ModelVersionNotPromotableError(version, target.status, 'it has no stored artifact');
      }
      const retired = await this.versions.activate(manager, version, caller.principal.name);
      for (const old of retired) await this.events.resolveForVersion(manager, old, version);
      await this.audit.record(manager, caller, {
        action: 'Mutation.promoteModelVersion',
        target: { modelVersion: version, previous: retired[0] ?? null },
        summary: { fromStatus: target.status, trainedBy: target.trainedBy },
      });
      return retired[0] ?? null;
    });
    if (previous) this.logger.log({ msg: 'model version promoted', version, previous });
    return this.get(version);
  }
}
