import { Args, ID, Int, Query, Resolver } from '@nestjs/graphql';
import { ConnectionType } from '../common/pagination/connection';
import { DriftQueryService } from './drift-query.service';
import { DriftReport, DriftReportKindValue, FeatureMetricPoint } from './models/drift-report.model';
import { DriftSettings } from './models/drift-settings.model';

const DriftReportConnection = ConnectionType(DriftReport, 'DriftReport');

@Resolver(() => DriftReport)
export class DriftResolver {
  constructor(private readonly queries: DriftQueryService) {}

  @Query(() => DriftReport)
  driftReport(@Args('id', { type: () => ID }) id: string): Promise<DriftReport> {
    return this.queries.report(id);
  }

  @Query(() => DriftReportConnection, { description: 'Drift reports (batch and window), newest first' })
  driftReports(
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
    @Args('from', { type: () => Date, nullable: true }) from?: Date,
    @Args('to', { type: () => Date, nullable: true }) to?: Date,
    @Args('kind', { type: () => DriftReportKindValue, nullable: true, description: 'Only reports of this kind; all kinds when absent' })
    kind?: DriftReportKindValue,
  ) {
    return this.queries.reports(first, after, from, to, kind);
  }

  @Query(() => DriftSettings, { description: 'The drift thresholds checks run with now, per monitored column' })
  driftSettings(): DriftSettings {
    return this.queries.settings();
  }

  @Query(() => [FeatureMetricPoint], {
    description: "One feature's statistics over time (oldest first, at most 5,000 points)",
    // Reads up to 5,000 metric rows: costed as that many rows times the fields selected.
    complexity: ({ childComplexity }: { childComplexity: number }) => 5_000 * Math.max(1, childComplexity / 10),
  })
  metricsHistory(
    @Args('feature') feature: string,
    @Args('from', { type: () => Date, nullable: true }) from?: Date,
    @Args('to', { type: () => Date, nullable: true }) to?: Date,
  ): Promise<FeatureMetricPoint[]> {
    return this.queries.metricsHistory(feature, from, to);
  }
}
