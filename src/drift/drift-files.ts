import { baselineColumnKinds, baselineColumns } from '../drift-engine/baseline-columns';
import { checkDrift } from '../drift-engine/check';
import { DriftConfig } from '../drift-engine/config';
import { compareGradeDistribution, countGrades } from '../drift-engine/grade-distribution';
import { buildBaselineProfile } from '../drift-engine/profile';
import { BaselineProfile } from '../drift-engine/profile-types';
import { DriftCheckResult } from '../drift-engine/result-types';
import { readFeatureCsvTable } from '../model/csv';
import { Scorer } from '../model/scorer';

/**
 * File-to-file drift, for the CLI: the reference CSV becomes a baseline profile exactly as a
 * baseline version does in the service (features plus the model's predictions), and each current
 * CSV is checked with the same engine and configuration defaults. With a model that has a master
 * scale, each check also compares the current file's grade mix with the model's development
 * sample, as a batch report does.
 */
export async function profileFromCsv(path: string, scorer: Scorer): Promise<BaselineProfile> {
  const table = await readFeatureCsvTable(path, { requireCustomerId: false });
  return buildBaselineProfile(baselineColumns(table.columns, scorer.score(table.columns)), baselineColumnKinds());
}

export async function checkCsv(
  profile: BaselineProfile,
  path: string,
  scorer: Scorer,
  config: Partial<DriftConfig> = {},
): Promise<DriftCheckResult> {
  const table = await readFeatureCsvTable(path, { requireCustomerId: false });
  const probabilities = scorer.score(table.columns);
  const result = checkDrift(profile, baselineColumns(table.columns, probabilities), config, {
    logOddsWeights: scorer.logOddsWeights,
  });
  const scale = scorer.masterScale;
  return { ...result, gradeDistribution: scale ? compareGradeDistribution(scale, countGrades(scale, probabilities), { config }) : null };
}
