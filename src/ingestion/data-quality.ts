import { ActiveBaseline } from '../baselines/baselines.service';
import { FEATURE_NAMES, FeatureColumns, FeatureName } from '../model/features';
import { DataQualitySummary } from '../prediction-logs/entities/batch.entity';
import { ApplicationInput } from './dto/application.input';

/** Observed range of each feature in the reference data (the active baseline). */
export type FeatureSupport = Partial<Record<FeatureName, { min: number; max: number }>>;

/** The baseline's observed range per feature (empty before any baseline exists). */
export function supportOf(baseline: ActiveBaseline | null): FeatureSupport {
  const support: FeatureSupport = {};
  for (const name of FEATURE_NAMES) {
    const column = baseline?.profile.columns[name];
    if (column) support[name] = { min: column.min, max: column.max };
  }
  return support;
}

export type DataQualityResult = { summary: DataQualitySummary & { outOfSupportValues: number }; warnings: string[] };

function sameRecord(a: ApplicationInput, b: ApplicationInput): boolean {
  for (const name of FEATURE_NAMES) if (a[name] !== b[name]) return false;
  return (a.actualDefault ?? null) === (b.actualDefault ?? null);
}

/**
 * Data-quality summary of an accepted batch, plus plain-language warnings. Duplicates do not
 * reject a batch (upstream systems legitimately resubmit a customer), but they are counted and
 * reported because they bias drift statistics. Values outside the baseline's observed range are
 * counted as out of support: the model and the drift tests know nothing about them.
 */
export function summarizeDataQuality(
  records: ReadonlyArray<ApplicationInput>,
  columns: FeatureColumns,
  support: FeatureSupport,
): DataQualityResult {
  // An exact duplicate row always repeats a customerId, so full rows are compared only among
  // records sharing an id: one Map lookup per record instead of building a key per record.
  const firstById = new Map<string, number[]>();
  let duplicateCustomerIds = 0;
  let duplicateRows = 0;
  let missingValues = 0;
  records.forEach((record, i) => {
    const earlier = firstById.get(record.customerId);
    if (earlier === undefined) firstById.set(record.customerId, [i]);
    else {
      duplicateCustomerIds++;
      if (earlier.some((j) => sameRecord(records[j], record))) duplicateRows++;
      earlier.push(i);
    }
    if (record.actualDefault === undefined || record.actualDefault === null) missingValues++;
  });

  let outOfSupportValues = 0;
  const warnings: string[] = [];
  if (duplicateCustomerIds > 0) warnings.push(`${duplicateCustomerIds} record(s) repeat a customerId already in this batch`);
  if (duplicateRows > 0) warnings.push(`${duplicateRows} record(s) are exact duplicates of an earlier record`);
  for (const name of FEATURE_NAMES) {
    const range = support[name];
    if (!range) continue;
    const column = columns[name];
    let outside = 0;
    for (let i = 0; i < column.length; i++) if (column[i] < range.min || column[i] > range.max) outside++;
    if (outside > 0) {
      outOfSupportValues += outside;
      warnings.push(`${outside} value(s) of ${name} lie outside the baseline range [${range.min}, ${range.max}]`);
    }
  }
  return {
    summary: { rowCount: records.length, duplicateCustomerIds, duplicateRows, missingValues, invalidValues: 0, outOfSupportValues },
    warnings,
  };
}
