import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Caller } from '../security/caller';
import { CurrentCaller } from '../security/security.decorators';
import { SubmitOutcomesInput } from './dto/submit-outcomes.input';
import { PerformancePoint, PerformanceWindow } from './models/performance.model';
import { SubmitOutcomesPayload } from './models/submit-outcomes.model';
import { OutcomesService } from './outcomes.service';
import { performanceHistoryCost } from './performance-query.service';
import { PerformanceQueryService } from './performance-query.service';

@Resolver()
export class PerformanceResolver {
  constructor(
    private readonly outcomes: OutcomesService,
    private readonly queries: PerformanceQueryService,
  ) {}

  @Mutation(() => SubmitOutcomesPayload, { description: 'Join late outcomes (did the borrower default?) to logged predictions' })
  submitOutcomes(@Args('input') input: SubmitOutcomesInput, @CurrentCaller() caller: Caller): Promise<SubmitOutcomesPayload> {
    return this.outcomes.submit(input, caller);
  }

  @Query(() => [PerformancePoint], {
    description: 'Realized and estimated performance per model version and time bucket (oldest first)',
    complexity: performanceHistoryCost,
  })
  performanceHistory(
    @Args('from', { type: () => Date }) from: Date,
    @Args('to', { type: () => Date }) to: Date,
    @Args('window', { type: () => PerformanceWindow, defaultValue: PerformanceWindow.DAY }) window: PerformanceWindow,
  ): Promise<PerformancePoint[]> {
    return this.queries.history(from, to, window);
  }
}
