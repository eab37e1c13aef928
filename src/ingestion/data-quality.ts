import { FEATURE_NAMES, FeatureName } from '../model/features';
import { DataQualitySummary } from './entities/batch.entity';
import { ApplicationInput } from './dto/application.input';

/** Observed range of each feature in the model's training data, when the artifact provides it. */
export type FeatureSupport = Partial<Record<FeatureName, { min: number; max: number }>>;

/**
 * Data-quality summary of an accepted batch, plus plain-language warnings. Duplicates do not
 * reject a batch (upstream systems legitimately resubmit a customer), but they are counted and
 * reported because they bias drift statistics.
 */
export function summarizeDataQuality(
  records: ReadonlyArray<ApplicationInput>,
  support: FeatureSupport,
): { summary: DataQualitySummary & { outOfSupportValues: number }; warnings: string[] } {
  const seenIds = new Set<string>();
  const seenRows = new Set<string>();
  let duplicateCustomerIds = 0;
  let duplicateRows = 0;
  let missingValues = 0;
  let outOfSupportValues = 0;
  const outOfSupportByFeature = new Map<FeatureName, number>();

  for (const record of records) {
    if (seenIds.has(record.customerId)) duplicateCustomerIds++;
    else seenIds.add(record.customerId);
    let key = record.customerId;
    for (const name of FEATURE_NAMES) key += '|' + record[name];
    key += '|' + String(record.actualDefault ?? '');
    if (seenRows.has(key)) duplicateRows++;
    else seenRows.add(key);
    if (record.actualDefault === undefined || record.actualDefault === null) missingValues++;
    for (const name of FEATURE_NAMES) {
      const range = support[name];
      if (range && (record[name] < range.min || record[name] > range.max)) {
        outOfSupportValues++;
        outOfSupportByFeature.set(name, (outOfSupportByFeature.get(name) ?? 0) + 1);
      }
    }
  }

  const warnings: string[] = [];
  if (duplicateCustomerIds > 0) warnings.push(`${duplicateCustomerIds} record(s) repeat a customerId already in this batch`);
  if (duplicateRows > 0) warnings.push(`${duplicateRows} record(s) are exact duplicates of an earlier record`);
  for (const [name, count] of outOfSupportByFeature) {
    const range = support[name]!;
    warnings.push(`${count} value(s) of ${name} lie outside the training range [${range.min}, ${range.max}]`);
  }
  return {
    summary: {
      rowCount: records.length,
      duplicateCustomerIds,
      duplicateRows,
      missingValues,
      invalidValues: 0,
      outOfSupportValues,
    },
    warnings,
  };
}
