import { EntityManager } from 'typeorm';
import { parseArtifact } from '../model/artifact';
import { artifactScorer, fallbackScorer, Scorer } from '../model/scorer';

/**
 * The scorer of the model version marked ACTIVE in model_versions. Baselines built from a CSV
 * need model outputs for their prediction profile; reading the registry (rather than depending
 * on the scoring module) keeps baselines a leaf module.
 */
export async function activeModelScorer(manager: EntityManager): Promise<Scorer> {
  const rows: Array<{ kind: string; artifact: unknown }> = await manager.query(
    `SELECT kind, artifact FROM model_versions WHERE status = 'ACTIVE' ORDER BY promoted_at DESC NULLS LAST LIMIT 1`,
  );
  if (rows.length === 0 || rows[0].kind !== 'artifact' || !rows[0].artifact) return fallbackScorer();
  return artifactScorer(parseArtifact(rows[0].artifact));
}
