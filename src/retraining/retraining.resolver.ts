import { Args, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ConnectionType } from '../common/pagination/connection';
import type { Caller } from '../security/caller';
import { CurrentCaller } from '../security/security.decorators';
import { ChallengerTrainingService } from './challenger-training.service';
import { PromoteModelVersionInput } from './dto/promote-model-version.input';
import { RetrainModelInput } from './dto/retrain-model.input';
import { TriggerRetrainingInput } from './dto/trigger-retraining.input';
import { ModelRegistryService } from './model-registry.service';
import { ModelVersion } from './models/model-version.model';
import { RetrainingStatusValue } from './models/retraining.enums';
import { RetrainingEvent } from './models/retraining-event.model';
import { RetrainingEventsService } from './retraining-events.service';

const ModelVersionConnection = ConnectionType(ModelVersion, 'ModelVersion');
const RetrainingEventConnection = ConnectionType(RetrainingEvent, 'RetrainingEvent');

@Resolver()
export class RetrainingResolver {
  constructor(
    private readonly events: RetrainingEventsService,
    private readonly registry: ModelRegistryService,
    private readonly training: ChallengerTrainingService,
  ) {}

  @Query(() => ModelVersionConnection, { description: 'Model versions (active, candidates, retired), newest first' })
  modelVersions(
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ) {
    return this.registry.list(first, after);
  }

  @Query(() => ModelVersion)
  modelVersion(@Args('version') version: string): Promise<ModelVersion> {
    return this.registry.get(version);
  }

  @Query(() => RetrainingEventConnection, { description: 'Retraining signals, newest first' })
  retrainingEvents(
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
    @Args('status', { type: () => RetrainingStatusValue, nullable: true }) status?: RetrainingStatusValue,
  ) {
    return this.events.list(first, after, status);
  }

  @Mutation(() => RetrainingEvent, {
    description: 'Raise a MANUAL retraining signal for the active model (returns the open one if it exists)',
  })
  triggerRetraining(@Args('input') input: TriggerRetrainingInput, @CurrentCaller() caller: Caller): Promise<RetrainingEvent> {
    return this.events.triggerManual(input, caller);
  }

  @Mutation(() => ModelVersion, {
    description: 'Train a challenger on labelled prediction logs and store it as a CANDIDATE with champion comparison',
  })
  retrainModel(@Args('input') input: RetrainModelInput, @CurrentCaller() caller: Caller): Promise<ModelVersion> {
    return this.training.retrain(input, caller);
  }

  @Mutation(() => ModelVersion, {
    description: 'Make a candidate the ACTIVE model; scoring switches on every instance. Four-eyes: not by the principal who trained it',
  })
  promoteModelVersion(@Args('input') input: PromoteModelVersionInput, @CurrentCaller() caller: Caller): Promise<ModelVersion> {
    return this.registry.promote(input, caller);
  }
}
