/**
 * Where history buckets start: UTC midnight, and weeks on Mondays (2000-01-03 was a Monday), so
 * every history query's buckets line up with every other's.
 */
export const HISTORY_BUCKET_ORIGIN = '2000-01-03T00:00:00Z';

/** The most buckets one history query returns (its range is refused beyond that). */
export const MAX_HISTORY_BUCKETS = 2_000;

/** What graphql-query-complexity passes a field's `complexity` estimator. */
export interface ComplexityEstimatorArgs {
  args: Record<string, unknown>;
  childComplexity: number;
}

/**
 * Query cost of a history query that returns one point per time bucket between its `from` and
 * `to` arguments: `base` for the scan behind it, plus its buckets (capped at `maxBuckets`, the
 * most it ever returns) times the fields selected per point. An unparsable or backwards range
 * counts as one bucket: the resolver refuses it before any SQL runs.
 */
export function bucketedHistoryCost(options: {
  base: number;
  maxBuckets: number;
  bucketMs: (args: Record<string, unknown>) => number;
}): (estimate: ComplexityEstimatorArgs) => number {
  const time = (value: unknown): number => (value instanceof Date ? value.getTime() : Date.parse(String(value)));
  return ({ args, childComplexity }) => {
    const from = time(args.from);
    const to = time(args.to);
    const buckets =
      Number.isFinite(from) && Number.isFinite(to) && to > from
        ? Math.min(options.maxBuckets, Math.ceil((to - from) / options.bucketMs(args)))
        : 1;
    return options.base + buckets * Math.max(1, childComplexity);
  };
}

/**
 * The problem with a bucketed history range, or null: `to` must come after `from`, and the range
 * may span at most `maxBuckets` buckets of `bucketMs` (the same cap the cost estimate assumes).
 * `bucketField` names the argument that sets the bucket size, so the error says what to change.
 */
export function bucketedRangeProblem(
  from: Date,
  to: Date,
  range: { bucketMs: number; maxBuckets: number; bucketField: string; bucketName: string },
): { field: string; rule: string } | null {
  if (!(from < to)) return { field: 'to', rule: 'must be after from' };
  if ((to.getTime() - from.getTime()) / range.bucketMs > range.maxBuckets) {
    return {
      field: range.bucketField,
      rule: `the range spans more than ${range.maxBuckets} ${range.bucketName} buckets; use a larger ${range.bucketField} or a shorter range`,
    };
  }
  return null;
}
