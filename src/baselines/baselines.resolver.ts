import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Caller } from '../security/caller';
import { CurrentCaller } from '../security/security.decorators';
import { BaselineReinitializationService } from './baseline-reinitialization.service';
import { NoActiveBaselineError } from './baselines.errors';
import { BaselineSummary } from './baselines.repository';
import { BaselinesService } from './baselines.service';
import { ActivateBaselineInput, ReinitializeBaselineInput } from './dto/reinitialize-baseline.input';
import { Baseline } from './models/baseline.model';

function toBaseline(entity: BaselineSummary): Baseline {
  return {
    id: entity.id,
    version: entity.version,
    name: entity.name,
    source: entity.source,
    rowCount: entity.rowCount,
    isActive: entity.isActive,
    createdAt: entity.createdAt,
  };
}

@Resolver(() => Baseline)
export class BaselinesResolver {
  constructor(
    private readonly baselineStore: BaselinesService,
    private readonly reinitialization: BaselineReinitializationService,
  ) {}

  @Query(() => [Baseline], { description: 'All baseline versions, newest first' })
  async baselines(): Promise<Baseline[]> {
    return (await this.baselineStore.list()).map(toBaseline);
  }

  @Query(() => Baseline)
  async activeBaseline(): Promise<Baseline> {
    const active = await this.baselineStore.activeEntity();
    if (!active) throw new NoActiveBaselineError();
    return toBaseline(active);
  }

  @Mutation(() => Baseline, { description: 'Create a new baseline version from a source and activate it' })
  async reinitializeBaseline(@Args('input') input: ReinitializeBaselineInput, @CurrentCaller() caller: Caller): Promise<Baseline> {
    return toBaseline(await this.reinitialization.reinitialize(input, caller));
  }

  @Mutation(() => Baseline, { description: 'Make an existing baseline version the active one (rollback)' })
  async activateBaseline(@Args('input') input: ActivateBaselineInput, @CurrentCaller() caller: Caller): Promise<Baseline> {
    return toBaseline(await this.baselineStore.activate(input.version, caller));
  }
}
