import { Module } from '@nestjs/common';
import { PredictionLogsModule } from '../prediction-logs/prediction-logs.module';
import { CustomerErasureService } from './customer-erasure.service';
import { PrivacyResolver } from './privacy.resolver';

/**
 * Data-subject requests on applicants' personal data: `eraseCustomerData`. A use case at the top
 * of the module graph, so it can reach every module that stores customer data (today the ledger,
 * src/prediction-logs, and the audit trail, src/security); it owns no table, and each owner runs
 * its own part of the erasure in this module's transaction.
 */
@Module({
  imports: [PredictionLogsModule],
  providers: [CustomerErasureService, PrivacyResolver],
})
export class PrivacyModule {}
