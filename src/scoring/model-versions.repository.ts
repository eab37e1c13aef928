import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { newestFirstPage } from '../common/pagination/connection';
import { FEATURE_NAMES, FeatureName } from '../model/features';
import { logOddsWeights } from '../model/linear-model';
import { MasterScale, parseMasterScale } from '../model/master-scale';
import { FALLBACK_THRESHOLD, ScorerKind } from '../model/scorer';
import { ModelVersionStatus } from './entities/model-version.entity';

/** A model_versions row as listed (snake_case, as selected), without the large artifact but with its threshold. */
export interface ModelVersionRow {
  id: string;
  version: string;
  kind: ScorerKind;
  status: ModelVersionStatus;
  metrics: Record<string, unknown> | null;
  retrain_required: boolean;
  retrain_reason: string | null;
  created_at: Date;
  promoted_at: Date | null;
  trained_by: string | null;
  promoted_by: string | null;
  threshold: number | null;
}

/** The ACTIVE version as scoring reads it before each batch (one indexed lookup, no artifact). */
export interface ActiveModelVersion {
  version: string;
  kind: ScorerKind;
}

/** What promotion checks before it activates a version (four-eyes, promotability). */
export interface PromotionTarget {
  status: ModelVersionStatus;
  kind: ScorerKind;
  hasArtifact: boolean;
  trainedBy: string | null;
}

/** What performance needs to know about a model version: its threshold and its model card. */
export interface ModelFacts {
  threshold: number;
  /** Holdout ROC AUC on the model card (artifact metrics); null for the fallback rules. */
  cardRocAuc: number | null;
  /** Log-odds change per feature unit (linear-model.ts logOddsWeights); null for the fallback rules. */
  logOddsWeights: Record<FeatureName, number> | null;
  /** The artifact's rating grades (master-scale.ts); null for the fallback rules or an artifact without one. */
  masterScale: MasterScale | null;
}

export interface NewModelVersion {
  version: string;
  kind: ScorerKind;
  status: ModelVersionStatus;
  artifact: object | null;
  metrics: unknown;
  trainedBy: string | null;
}

const LISTED_COLUMNS = `id, version, kind, status, metrics, retrain_required, retrain_reason, created_at, promoted_at, trained_by, promoted_by,
  (artifact->>'threshold')::float8 AS threshold`;

/**
 * The only SQL on model_versions (the registry). Methods that take an `EntityManager` run in the
 * caller's transaction; writers that must not interleave (start-up registration, promotion) call
 * `lock` first. The partial unique index model_versions_one_active keeps at most one ACTIVE row.
 */
@Injectable()
export class ModelVersionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Serialises registry writers (other instances starting, promotions); readers are not blocked. */
  async lock(manager: EntityManager): Promise<void> {
    await manager.query(`LOCK TABLE model_versions IN SHARE ROW EXCLUSIVE MODE`);
  }

  async findActive(manager: EntityManager = this.dataSource.manager): Promise<ActiveModelVersion | null> {
    const [active]: ActiveModelVersion[] = await manager.query(`SELECT version, kind FROM model_versions WHERE status = 'ACTIVE'`);
    return active ?? null;
  }

  /** The stored artifact JSON, unparsed (the caller validates it); null when absent. */
  async findArtifact(manager: EntityManager, version: string): Promise<unknown> {
    const [row]: Array<{ artifact: unknown }> = await manager.query(`SELECT artifact FROM model_versions WHERE version = $1`, [version]);
    return row?.artifact ?? null;
  }

  async get(version: string): Promise<ModelVersionRow | null> {
    const rows: ModelVersionRow[] = await this.dataSource.query(`SELECT ${LISTED_COLUMNS} FROM model_versions WHERE version = $1`, [
      version,
    ]);
    return rows[0] ?? null;
  }

  /** Newest first, keyset-paged on (created_at, id); `size` is the validated page size. */
  async list(
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<{ rows: ModelVersionRow[]; size: number; totalCount: number }> {
    const page = newestFirstPage({ table: 'model_versions', alias: 'm', timeColumn: 'created_at' }, first, after, 1);
    const params = [...page.params, page.limit];
    const [rows, counted] = await Promise.all([
      this.dataSource.query(
        `SELECT ${LISTED_COLUMNS} FROM model_versions m ${page.condition ? `WHERE ${page.condition}` : ''}
         ORDER BY m.created_at DESC, m.id DESC LIMIT $${params.length}`,
        params,
      ) as Promise<ModelVersionRow[]>,
      this.dataSource.query(`SELECT count(*)::int AS n FROM model_versions`) as Promise<Array<{ n: number }>>,
    ]);
    return { rows, size: page.limit - 1, totalCount: counted[0].n };
  }

  /**
   * A version loaded from MODEL_PATH at start, stored RETIRED (the caller decides whether it
   * becomes ACTIVE). Returns false when the version was already known.
   */
  async insertDeployed(
    manager: EntityManager,
    row: { version: string; kind: ScorerKind; artifact: object | null; metrics: unknown },
  ): Promise<boolean> {
    const inserted = await this.insertIfAbsent(manager, { ...row, status: 'RETIRED', trainedBy: null });
    if (!inserted) await this.backfillMasterScale(manager, row.version, row.artifact);
    return inserted;
  }

  /**
   * The master scale is not part of the model version (same coefficients, same model), so a
   * database registered before rating grades existed holds the deployed version without one while
   * the artifact file now has it: the stored artifact gets the file's scale, once. A stored scale
   * is never replaced — predictions already logged were graded on it.
   */
  private async backfillMasterScale(manager: EntityManager, version: string, artifact: object | null): Promise<void> {
    const scale = (artifact as { masterScale?: unknown } | null)?.masterScale;
    if (scale === undefined || scale === null) return;
    await manager.query(
      `UPDATE model_versions SET artifact = jsonb_set(artifact, '{masterScale}', $2::jsonb)
       WHERE version = $1 AND artifact IS NOT NULL AND NOT artifact ? 'masterScale'`,
      [version, JSON.stringify(scale)],
    );
  }

  /**
   * A trained challenger as a CANDIDATE. Idempotent: a version that exists already is left as it
   * is (its first trainer stays trained_by, for the four-eyes check); returns whether it was new.
   */
  async insertCandidate(
    manager: EntityManager,
    row: { version: string; artifact: object; metrics: unknown; trainedBy: string },
  ): Promise<boolean> {
    return this.insertIfAbsent(manager, { ...row, kind: 'artifact', status: 'CANDIDATE' });
  }

  async findPromotionTarget(manager: EntityManager, version: string): Promise<PromotionTarget | null> {
    const [target]: PromotionTarget[] = await manager.query(
      `SELECT status, kind, artifact IS NOT NULL AS "hasArtifact", trained_by AS "trainedBy" FROM model_versions WHERE version = $1`,
      [version],
    );
    return target ?? null;
  }

  /**
   * Makes `version` the ACTIVE one: the old ACTIVE becomes RETIRED, the new one gets promoted_at
   * now and its retrain flags cleared (a freshly activated model has no retraining due). Returns
   * the retired versions. `promotedBy` is the promoting principal; a start-up activation has none
   * and leaves promoted_by as it was. Call `lock` first in the same transaction.
   */
  async activate(manager: EntityManager, version: string, promotedBy: string | null = null): Promise<string[]> {
    // UPDATE ... RETURNING inside a CTE: TypeORM returns [rows, count] for a bare UPDATE.
    const retired: Array<{ version: string }> = await manager.query(
      `WITH u AS (UPDATE model_versions SET status = 'RETIRED' WHERE status = 'ACTIVE' RETURNING version) SELECT version FROM u`,
    );
    await manager.query(
      `UPDATE model_versions
       SET status = 'ACTIVE', promoted_at = now(), promoted_by = coalesce($2, promoted_by), retrain_required = false, retrain_reason = NULL
       WHERE version = $1`,
      [version, promotedBy],
    );
    return retired.map((r) => r.version);
  }

  /** In the caller's transaction, with the retraining event that gives the reason. */
  async markRetrainRequired(manager: EntityManager, version: string, reason: string): Promise<void> {
    await manager.query(`UPDATE model_versions SET retrain_required = true, retrain_reason = $2 WHERE version = $1`, [version, reason]);
  }

  /**
   * Model-card facts per version: the artifact's threshold and holdout ROC AUC. Versions without
   * a stored artifact (the fallback rules, unknown versions) get the fallback threshold and no card.
   */
  async modelFacts(manager: EntityManager, versions: string[]): Promise<Map<string, ModelFacts>> {
    const rows: Array<{
      version: string;
      threshold: number | null;
      card: number | null;
      coefficients: unknown;
      sd: unknown;
      masterScale: unknown;
    }> = versions.length
      ? await manager.query(
          `SELECT version, (artifact->>'threshold')::float8 AS threshold, (artifact->'metrics'->'holdout'->>'rocAuc')::float8 AS card,
                    artifact->'coefficients' AS coefficients, artifact->'standardization'->'sd' AS sd,
                    artifact->'masterScale' AS "masterScale"
             FROM model_versions WHERE version = ANY($1)`,
          [versions],
        )
      : [];
    const facts = new Map<string, ModelFacts>();
    for (const version of versions)
      facts.set(version, { threshold: FALLBACK_THRESHOLD, cardRocAuc: null, logOddsWeights: null, masterScale: null });
    for (const row of rows) {
      facts.set(row.version, {
        threshold: row.threshold ?? FALLBACK_THRESHOLD,
        cardRocAuc: row.card,
        logOddsWeights: storedLogOddsWeights(row.coefficients, row.sd),
        masterScale: storedMasterScale(row.masterScale),
      });
    }
    return facts;
  }

  private async insertIfAbsent(manager: EntityManager, row: NewModelVersion): Promise<boolean> {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO model_versions (version, kind, status, artifact, metrics, trained_by)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (version) DO NOTHING
       RETURNING version`,
      [
        row.version,
        row.kind,
        row.status,
        row.artifact === null ? null : JSON.stringify(row.artifact),
        row.metrics === null || row.metrics === undefined ? null : JSON.stringify(row.metrics),
        row.trainedBy,
      ],
    );
    return inserted.length > 0;
  }
}

/** Weights from a stored artifact's coefficients and SDs, or null when they are not a valid linear model. */
function storedLogOddsWeights(coefficients: unknown, sd: unknown): Record<FeatureName, number> | null {
  const valid = (values: unknown, positive: boolean): values is number[] =>
    Array.isArray(values) &&
    values.length === FEATURE_NAMES.length &&
    values.every((v) => typeof v === 'number' && Number.isFinite(v) && (!positive || v > 0));
  if (!valid(coefficients, false) || !valid(sd, true)) return null;
  return logOddsWeights({ coefficients, standardization: { mean: new Array<number>(sd.length).fill(0), sd } });
}

/** The stored artifact's master scale, or null when it has none or it is not a valid scale. */
function storedMasterScale(json: unknown): MasterScale | null {
  if (json === null || json === undefined) return null;
  try {
    return parseMasterScale(json);
  } catch {
    return null;
  }
}
