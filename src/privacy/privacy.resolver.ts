import { Args, Mutation, Resolver } from '@nestjs/graphql';
import type { Caller } from '../security/caller';
import { CurrentCaller } from '../security/security.decorators';
import { CustomerErasureService } from './customer-erasure.service';
import { EraseCustomerDataInput } from './dto/erase-customer-data.input';
import { CustomerErasure } from './models/customer-erasure.model';

@Resolver()
export class PrivacyResolver {
  constructor(private readonly erasure: CustomerErasureService) {}

  @Mutation(() => CustomerErasure, {
    description:
      "Erase one applicant's personal data (right to erasure): their logged predictions and outcomes are deleted, and batch records and audit entries that embed their id are anonymised; aggregates are kept. Audited without the customer id.",
  })
  eraseCustomerData(@Args('input') input: EraseCustomerDataInput, @CurrentCaller() caller: Caller): Promise<CustomerErasure> {
    return this.erasure.erase(input, caller);
  }
}
