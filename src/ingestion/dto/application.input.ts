import { Field, Float, InputType, Int } from '@nestjs/graphql';

/**
 * One loan application. GraphQL enforces presence and types (Int vs Float, no NaN/Infinity,
 * unknown fields rejected); value ranges are checked in batch-validation.ts so that every problem
 * in a batch is reported at once with its record index.
 */
@InputType()
export class ApplicationInput {
  @Field({ description: '1–64 characters' })
  customerId: string;

  @Field(() => Int, { description: '18–100' })
  age: number;

  @Field(() => Float, { description: '> 0' })
  annualIncome: number;

  @Field(() => Float, { description: '0–1' })
  debtToIncome: number;

  @Field(() => Float, { description: '0–1' })
  creditUtilization: number;

  @Field(() => Int, { description: '0–50' })
  numOpenAccounts: number;

  @Field(() => Int, { description: '0–20' })
  delinquencyCount: number;

  @Field(() => Float, { description: '> 0' })
  loanAmount: number;

  @Field(() => Float, { description: '0–50' })
  employmentYears: number;

  @Field(() => Boolean, { nullable: true, description: 'Known outcome, when the caller already has it' })
  actualDefault?: boolean | null;
}
