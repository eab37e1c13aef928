import { Role, ROLES } from './roles';

const VIEWERS: readonly Role[] = ['viewer', 'operator', 'model-admin', 'admin'];
const OPERATORS: readonly Role[] = ['operator', 'admin'];
const MODEL_ADMINS: readonly Role[] = ['model-admin', 'admin'];
const INGESTERS: readonly Role[] = ['ingest', 'admin'];
const ADMINS: readonly Role[] = ['admin'];

/**
 * The one role matrix: every GraphQL root field (`Query.x`, `Mutation.x`, `Subscription.x`) and
 * every protected HTTP route, with the roles allowed to call it. RoleGuard enforces it for every
 * request; an operation missing here is refused (fail closed), and the permission test
 * (test/integration/permissions.spec.ts) is generated from this table. README "Security" shows it.
 */
export const ROLE_MATRIX: Readonly<Record<string, readonly Role[]>> = {
  // Upstream scoring and loan systems
  'Mutation.ingestBatch': INGESTERS,
  'Mutation.submitOutcomes': INGESTERS,

  // Operators: alert lifecycle, drift re-checks, retraining signals
  'Mutation.updateAlertStatus': OPERATORS,
  'Mutation.retryAlertNotifications': OPERATORS,
  'Mutation.runDriftCheck': OPERATORS,
  'Mutation.triggerRetraining': OPERATORS,

  // Model administrators: baselines and the model registry (promotion is four-eyes as well)
  'Mutation.reinitializeBaseline': MODEL_ADMINS,
  'Mutation.activateBaseline': MODEL_ADMINS,
  'Mutation.retrainModel': MODEL_ADMINS,
  'Mutation.promoteModelVersion': MODEL_ADMINS,
  // Data-subject requests: erasure of one applicant's personal data
  'Mutation.eraseCustomerData': MODEL_ADMINS,

  // Administrators: credentials and the audit trail
  'Mutation.createApiKey': ADMINS,
  'Mutation.revokeApiKey': ADMINS,
  'Query.apiKeys': ADMINS,
  'Query.auditLog': ADMINS,

  // Everything an analyst reads
  'Query.activeBaseline': VIEWERS,
  'Query.alert': VIEWERS,
  'Query.alertNotifications': VIEWERS,
  'Query.alertCountHistory': VIEWERS,
  'Query.alertSummary': VIEWERS,
  'Query.alerts': VIEWERS,
  'Query.baselines': VIEWERS,
  'Query.batch': VIEWERS,
  'Query.batches': VIEWERS,
  'Query.driftReport': VIEWERS,
  'Query.driftReports': VIEWERS,
  'Query.driftSettings': VIEWERS,
  'Query.metricsHistory': VIEWERS,
  'Query.modelVersion': VIEWERS,
  'Query.modelVersions': VIEWERS,
  'Query.performanceHistory': VIEWERS,
  'Query.validationReport': VIEWERS,
  'Query.predictions': VIEWERS,
  'Query.retrainingEvents': VIEWERS,
  'Query.me': [...ROLES],
  'Subscription.alertChanged': VIEWERS,

  // HTTP routes (the dashboard page itself is a public shell; its data comes through the API)
  'GET /reports/:id': VIEWERS,
  'GET /reports/validation': VIEWERS,
};

export type Operation = keyof typeof ROLE_MATRIX;

export function allowedRoles(operation: string): readonly Role[] | undefined {
  return Object.prototype.hasOwnProperty.call(ROLE_MATRIX, operation) ? ROLE_MATRIX[operation] : undefined;
}
