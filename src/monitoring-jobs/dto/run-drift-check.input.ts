import { Field, InputType } from '@nestjs/graphql';

@InputType()
export class RunDriftCheckInput {
  @Field({ description: 'A window kind from MONITORING_DRIFT_WINDOWS, e.g. HOURLY' })
  window: string;

  @Field(() => Date, {
    nullable: true,
    description: "The window end; default: now floored to the window's alignment (the same key the scheduled tick uses)",
  })
  windowEnd?: Date | null;
}
