import { EntityManager } from 'typeorm';
import { FALLBACK_THRESHOLD } from '../model/scorer';

/** What performance needs to know about a model version: its threshold and its model card. */
export interface ModelFacts {
  threshold: number;
  /** Holdout ROC AUC on the model card (artifact metrics); null for the fallback rules. */
  cardRocAuc: number | null;
}

export async function modelFacts(manager: EntityManager, versions: string[]): Promise<Map<string, ModelFacts>> {
  const rows: Array<{ version: string; threshold: number | null; card: number | null }> = versions.length
    ? await manager.query(
        `SELECT version, (artifact->>'threshold')::float8 AS threshold, (artifact->'metrics'->'holdout'->>'rocAuc')::float8 AS card
         FROM model_versions WHERE version = ANY($1)`,
        [versions],
      )
    : [];
  const facts = new Map<string, ModelFacts>();
  for (const version of versions) facts.set(version, { threshold: FALLBACK_THRESHOLD, cardRocAuc: null });
  for (const row of rows) facts.set(row.version, { threshold: row.threshold ?? FALLBACK_THRESHOLD, cardRocAuc: row.card });
  return facts;
}
