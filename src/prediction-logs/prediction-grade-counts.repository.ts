import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { WindowRange } from './prediction-logs.repository';

/**
 * A window's logged scores counted per rating grade, in PostgreSQL: one aggregate over the
 * window's rows, whatever their number, for the grade-distribution part of a window drift report.
 * Computed from `probability` (not a stored grade column), so rows logged before grades were
 * stored, or under a scale since changed, are graded on the scale the check uses.
 */
@Injectable()
export class PredictionGradeCountsRepository {
  /**
   * Rows per grade (index = grade − 1) of the rows `range` covers — model_version and
   * created_at in [start, end), the predicate the window's other reads use, on the partition key
   * so only the window's monthly partitions are scanned. `innerBoundaries` are the scale's K − 1
   * ascending grade boundaries (master-scale.ts innerBoundaries): width_bucket returns b for
   * boundaries[b−1] <= p < boundaries[b] (0 below the first, K − 1 from the last up, so p = 1 is
   * in the last grade), i.e. grade b + 1, the master scale's pdLower <= p < pdUpper rule. A
   * probability outside [0, 1] (or NaN, which PostgreSQL sorts above every number) has no grade
   * and is not counted, as gradeIndexOf leaves it out.
   */
  async gradeCounts(manager: EntityManager, range: WindowRange, innerBoundaries: ReadonlyArray<number>): Promise<number[]> {
    innerBoundaries.forEach((b, i) => {
      if (!(Number.isFinite(b) && (i === 0 || b > innerBoundaries[i - 1]))) {
        throw new RangeError(`grade boundaries must be finite and strictly increasing, got ${innerBoundaries.join(', ')}`);
      }
    });
    const rows: Array<{ bucket: number; count: number }> = await manager.query(
      `SELECT width_bucket(probability, $4::float8[]) AS bucket, count(*)::float8 AS count
       FROM prediction_logs
       WHERE model_version = $1 AND created_at >= $2 AND created_at < $3 AND probability >= 0 AND probability <= 1
       GROUP BY bucket`,
      [range.modelVersion, range.start, range.end, innerBoundaries],
    );
    const counts = new Array<number>(innerBoundaries.length + 1).fill(0);
    for (const row of rows) counts[Number(row.bucket)] = Number(row.count);
    return counts;
  }
}
