import { AuditService } from '../security/audit.service';
import type { Caller } from '../security/caller';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Connection, decodeIdCursor, encodeCursor, pageSize, toConnection } from '../common/pagination/connection';
import { PromoteModelVersionInput } from './dto/promote-model-version.input';
import { ModelVersion } from './models/model-version.model';
import { RetrainingEventsService } from './retraining-events.service';
import { FourEyesViolationError, ModelVersionNotFoundError, ModelVersionNotPromotableError } from './retraining.errors';
import { MODEL_VERSION_COLUMNS, ModelVersionRow, toModelVersion } from './retraining.mapper';

type ListedRow = Omit<ModelVersionRow, 'artifact'> & { threshold: number | null };


/**
 * The model registry (model_versions): listing and promotion. Scoring on every instance reads
 * the ACTIVE row before each batch, so a promotion committed here switches scoring everywhere
 * without a restart.
 */
@Injectable()
export class ModelRegistryService {
  private readonly logger = new Logger('ModelRegistry');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: RetrainingEventsService,
    private readonly audit: AuditService,
  ) {}

  async get(version: string): Promise<ModelVersion> {
    const rows: ListedRow[] = await this.dataSource.query(`SELECT ${MODEL_VERSION_COLUMNS} FROM model_versions WHERE version = $1`, [version]);
    if (!rows.length) throw new ModelVersionNotFoundError(version);
    return toModelVersion(rows[0]);
  }

  /** Newest first, keyset-paged on (created_at, id). */
  async list(first: number | null | undefined, after: string | null | undefined): Promise<Connection<ModelVersion>> {
    const size = pageSize(first);
    const params: unknown[] = [];
    let keyset = '';
    if (after) {
      const id = decodeIdCursor(after);
      params.push(id);
      keyset = `WHERE (created_at, id) < ((SELECT created_at FROM model_versions WHERE id = $1::uuid), $1::uuid)`;
    }
    params.push(size + 1);
    const [rows, counted] = await Promise.all([
      this.dataSource.query(
        `SELECT ${MODEL_VERSION_COLUMNS} FROM model_versions ${keyset} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
        params,
      ) as Promise<ListedRow[]>,
      this.dataSource.query(`SELECT count(*)::int AS n FROM model_versions`) as Promise<Array<{ n: number }>>,
    ]);
    return toConnection(rows, size, counted[0].n, (r) => encodeCursor([r.id]), toModelVersion);
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
      await manager.query(`LOCK TABLE model_versions IN SHARE ROW EXCLUSIVE MODE`);
      const [target]: Array<{ status: string; kind: string; has_artifact: boolean; trained_by: string | null }> = await manager.query(
        `SELECT status, kind, artifact IS NOT NULL AS has_artifact, trained_by FROM model_versions WHERE version = $1`,
        [version],
      );
      if (!target) throw new ModelVersionNotFoundError(version);
      if (target.status === 'ACTIVE') {
        await this.audit.record(manager, caller, { action: 'Mutation.promoteModelVersion', target: { modelVersion: version }, summary: { alreadyActive: true } });
        return null;
      }
      if (target.trained_by !== null && target.trained_by === caller.principal.name) throw new FourEyesViolationError(version, target.trained_by);
      if (target.kind !== 'artifact' || !target.has_artifact) {
        throw new ModelVersionNotPromotableError(version, target.status, 'it has no stored artifact');
      }
      // UPDATE ... RETURNING inside a CTE: TypeORM returns [rows, count] for a bare UPDATE.
      const retired: Array<{ version: string }> = await manager.query(
        `WITH u AS (UPDATE model_versions SET status = 'RETIRED' WHERE status = 'ACTIVE' RETURNING version) SELECT version FROM u`,
      );
      await manager.query(
        `UPDATE model_versions SET status = 'ACTIVE', promoted_at = now(), promoted_by = $2, retrain_required = false, retrain_reason = NULL WHERE version = $1`,
        [version, caller.principal.name],
      );
      for (const old of retired) await this.events.resolveForVersion(manager, old.version, version);
      await this.audit.record(manager, caller, {
        action: 'Mutation.promoteModelVersion',
        target: { modelVersion: version, previous: retired[0]?.version ?? null },
        summary: { fromStatus: target.status, trainedBy: target.trained_by },
      });
      return retired[0]?.version ?? null;
    });
    if (previous) this.logger.log({ msg: 'model version promoted', version, previous });
    return this.get(version);
  }
}
