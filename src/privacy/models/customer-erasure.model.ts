import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({
  description: 'What eraseCustomerData removed or anonymised. Aggregates (drift reports, performance metrics, batch sizes) are kept.',
})
export class CustomerErasure {
  @Field(() => ID, {
    description:
      'Names this erasure: its audit entry (which records counts, never the customer id) and the markers left where the id was redacted',
  })
  erasureId: string;

  @Field()
  erasedAt: Date;

  @Field(() => Int, { description: "Logged predictions deleted: the customer's features, scores and outcomes" })
  predictionLogs: number;

  @Field(() => Int, { description: 'Of those, predictions that carried an outcome (actualDefault)' })
  outcomes: number;

  @Field(() => [String], {
    description: "Keys of the batches that held the customer's predictions (sorted; as stored after the erasure)",
  })
  batches: string[];

  @Field(() => Int, {
    description:
      'Batch records anonymised: payload fingerprint voided (replaying such a batch is now a CONFLICT), or the customer id redacted from the batch key or metadata',
  })
  batchRecords: number;

  @Field(() => Int, { description: 'Audit entries whose target, summary or request id mentioned the customer id, redacted' })
  auditEntries: number;
}
