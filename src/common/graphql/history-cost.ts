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
