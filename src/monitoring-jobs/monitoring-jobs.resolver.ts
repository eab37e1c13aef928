import { Args, Mutation, Resolver } from '@nestjs/graphql';
import type { Caller } from '../security/caller';
import { CurrentCaller } from '../security/security.decorators';
import { RunDriftCheckInput } from './dto/run-drift-check.input';
import { DriftCheckRun } from './models/drift-check-run.model';
import { WindowDriftCheckService } from './window-drift-check.service';

@Resolver()
export class MonitoringJobsResolver {
  constructor(private readonly windows: WindowDriftCheckService) {}

  @Mutation(() => DriftCheckRun, {
    description: 'Run a windowed drift re-check now (also when its schedule is disabled); idempotent per window end',
  })
  runDriftCheck(@Args('input') input: RunDriftCheckInput, @CurrentCaller() caller: Caller): Promise<DriftCheckRun> {
    return this.windows.run(input.window, input.windowEnd ?? null, new Date(), caller);
  }
}
