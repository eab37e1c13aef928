import { validateCronExpression } from 'cron';
import { EnvironmentVariables } from './env.validation';

/** One scheduled windowed drift re-check (MONITORING_DRIFT_WINDOWS). */
export interface DriftWindowConfig {
  kind: string;
  cron: string;
  lengthMinutes: number;
  /** The window end is the tick floored to this many minutes (UTC); defaults to the length. */
  alignMinutes: number;
  enabled: boolean;
}

/** A token bucket: `capacity` requests at once, refilled at `refillPerSecond`. */
export interface RateLimitConfig {
  capacity: number;
  refillPerSecond: number;
}

/**
 * Default buckets per role (and "anonymous", per client address, for calls without valid
 * credentials). Generous for machine clients; an ingest client sending 50,000-record batches is
 * bounded by MAX_BATCH_SIZE long before it is by the bucket.
 */
export const DEFAULT_RATE_LIMITS: Record<string, RateLimitConfig> = {
  anonymous: { capacity: 30, refillPerSecond: 5 },
  ingest: { capacity: 200, refillPerSecond: 50 },
  viewer: { capacity: 300, refillPerSecond: 50 },
  operator: { capacity: 300, refillPerSecond: 50 },
  'model-admin': { capacity: 100, refillPerSecond: 20 },
  admin: { capacity: 300, refillPerSecond: 50 },
};

export interface DriftFeatureOverride {
  alpha?: number;
  psiThreshold?: number;
  wassersteinThreshold?: number;
  jensenShannonThreshold?: number;
  enabled?: boolean;
}

/**
 * The typed configuration every module injects. Built once from the validated environment;
 * nothing outside src/config reads process.env.
 */
export class AppConfig {
  readonly nodeEnv: EnvironmentVariables['NODE_ENV'];
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string | null;
  readonly embeddedPgDir: string;
  readonly embeddedPgPort: number;
  readonly dbPoolSize: number;
  readonly shutdownTimeoutMs: number;
  readonly modelPath: string;
  readonly maxBatchSize: number;
  readonly logLevel: EnvironmentVariables['LOG_LEVEL'];
  readonly demo: boolean;
  readonly demoIntervalMs: number;
  readonly baselineDataDir: string;
  readonly baselineSeedPath: string;
  readonly drift: {
    minSampleSize: number;
    alpha: number;
    psiThreshold: number;
    wassersteinThreshold: number;
    jensenShannonThreshold: number;
    perFeature: Record<string, DriftFeatureOverride>;
  };
  readonly alerts: {
    psiModerate: number;
    psiSignificant: number;
    duplicateShareThreshold: number;
    invalidShareThreshold: number;
    minRocAuc: number;
    autoResolveChecks: number;
    subscriberBuffer: number;
  };
  readonly graphql: { maxDepth: number; maxComplexity: number; wsMaxMessageBytes: number; maxTokens: number; maxRootFields: number };
  readonly security: {
    /** Single sign-on for consoles; null when OIDC is not configured. */
    oidc: { issuer: string; audience: string; jwksUrl: string; roleClaim: string; algorithms: string[] } | null;
    rateLimits: Record<string, RateLimitConfig>;
    wsAllowedOrigins: string[];
    wsMaxConnectionsPerPrincipal: number;
    wsCredentialRecheckMs: number;
  };
  readonly database: { statementTimeoutMs: number; idleInTransactionTimeoutMs: number; aggregationStatementTimeoutMs: number };
  readonly inputLimits: { maxAnnualIncome: number; maxLoanAmount: number; metadataMaxBytes: number; metadataMaxDepth: number };
  readonly monitoringJobs: {
    enabled: boolean;
    driftWindows: DriftWindowConfig[];
    reconcileEnabled: boolean;
    reconcileCron: string;
  };
  readonly predictionLogs: {
    partitionsAhead: number;
    /** Months of raw logs kept before the current month; null keeps them forever. */
    retentionMonths: number | null;
    maintenanceCron: string;
  };
  readonly performance: { minLabels: number; minRows: number; maxRocAucDrop: number };
  readonly validation: { yellowPValue: number; redPValue: number; minGradeObligors: number; maxRows: number; alertCohortDays: number };
  readonly retraining: {
    driftWindows: number;
    minLabelledRows: number;
    holdoutFraction: number;
    cvFolds: number;
    seed: number;
    trainingDataPath: string;
  };
  /** Worker-thread pools for CPU-heavy work (src/common/workers): threads and queued tasks per pool. */
  readonly workers: { threads: number; queueLimit: number };
  /** GET /graphql serves the bundled GraphiQL page (no CDN). */
  readonly graphqlIde: boolean;
  readonly metrics: { enabled: boolean; token: string | null; port: number | null };
  readonly alertRouting: {
    alertmanagerUrl: string | null;
    webhookUrls: string[];
    webhookSecret: string | null;
    pollMs: number;
    backoffMs: number;
    maxBackoffMs: number;
    maxAttempts: number;
    timeoutMs: number;
    alertmanagerResendMs: number;
    /** External base URL for links in notifications (no trailing slash); null when unset. */
    publicUrl: string | null;
  };

  constructor(env: EnvironmentVariables) {
    this.nodeEnv = env.NODE_ENV;
    this.port = env.PORT;
    this.host = env.HOST;
    this.databaseUrl = env.DATABASE_URL ?? null;
    this.embeddedPgDir = env.EMBEDDED_PG_DIR;
    this.embeddedPgPort = env.EMBEDDED_PG_PORT;
    this.dbPoolSize = env.DB_POOL_SIZE;
    this.shutdownTimeoutMs = env.SHUTDOWN_TIMEOUT_MS;
    this.modelPath = env.MODEL_PATH;
    this.maxBatchSize = env.MAX_BATCH_SIZE;
    this.logLevel = env.LOG_LEVEL;
    this.demo = env.DEMO;
    this.demoIntervalMs = env.DEMO_INTERVAL_MS;
    this.baselineDataDir = env.BASELINE_DATA_DIR;
    this.baselineSeedPath = env.BASELINE_SEED_PATH;
    this.drift = {
      minSampleSize: env.DRIFT_MIN_SAMPLE_SIZE,
      alpha: env.DRIFT_ALPHA,
      psiThreshold: env.DRIFT_PSI_THRESHOLD,
      wassersteinThreshold: env.DRIFT_WASSERSTEIN_THRESHOLD,
      jensenShannonThreshold: env.DRIFT_JS_THRESHOLD,
      perFeature: parseFeatureOverrides(env.DRIFT_FEATURE_OVERRIDES),
    };
    this.alerts = {
      psiModerate: env.ALERT_PSI_MODERATE,
      psiSignificant: env.ALERT_PSI_SIGNIFICANT,
      duplicateShareThreshold: env.ALERT_DUPLICATE_SHARE_THRESHOLD,
      invalidShareThreshold: env.ALERT_INVALID_SHARE_THRESHOLD,
      minRocAuc: env.ALERT_MIN_ROC_AUC,
      autoResolveChecks: env.ALERT_AUTO_RESOLVE_CHECKS,
      subscriberBuffer: env.ALERT_SUBSCRIBER_BUFFER,
    };
    this.graphql = {
      maxDepth: env.GRAPHQL_MAX_DEPTH,
      maxComplexity: env.GRAPHQL_MAX_COMPLEXITY,
      wsMaxMessageBytes: env.GRAPHQL_WS_MAX_MESSAGE_BYTES,
      maxTokens: env.GRAPHQL_MAX_TOKENS,
      maxRootFields: env.GRAPHQL_MAX_ROOT_FIELDS,
    };
    this.security = {
      oidc: parseOidc(env),
      rateLimits: parseRateLimits(env.RATE_LIMITS),
      wsAllowedOrigins: env.WS_ALLOWED_ORIGINS.split(',')
        .map((o) => o.trim().replace(/\/+$/, ''))
        .filter(Boolean),
      wsMaxConnectionsPerPrincipal: env.WS_MAX_CONNECTIONS_PER_PRINCIPAL,
      wsCredentialRecheckMs: env.WS_CREDENTIAL_RECHECK_MS,
    };
    this.database = {
      statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
      idleInTransactionTimeoutMs: env.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
      aggregationStatementTimeoutMs: env.AGGREGATION_STATEMENT_TIMEOUT_MS,
    };
    this.inputLimits = {
      maxAnnualIncome: env.MAX_ANNUAL_INCOME,
      maxLoanAmount: env.MAX_LOAN_AMOUNT,
      metadataMaxBytes: env.METADATA_MAX_BYTES,
      metadataMaxDepth: env.METADATA_MAX_DEPTH,
    };
    this.monitoringJobs = {
      enabled: env.MONITORING_JOBS_ENABLED === 'auto' ? env.NODE_ENV !== 'test' : env.MONITORING_JOBS_ENABLED === 'true',
      driftWindows: parseDriftWindows(env.MONITORING_DRIFT_WINDOWS),
      reconcileEnabled: env.RETRAIN_RECONCILE_ENABLED,
      reconcileCron: checkCron('RETRAIN_RECONCILE_CRON', env.RETRAIN_RECONCILE_CRON),
    };
    this.predictionLogs = {
      partitionsAhead: env.PREDICTION_LOG_PARTITIONS_AHEAD,
      retentionMonths: env.PREDICTION_LOG_RETENTION_MONTHS ?? null,
      maintenanceCron: checkCron('PREDICTION_LOG_MAINTENANCE_CRON', env.PREDICTION_LOG_MAINTENANCE_CRON),
    };
    this.performance = {
      minLabels: env.PERFORMANCE_MIN_LABELS,
      minRows: env.PERFORMANCE_MIN_ROWS,
      maxRocAucDrop: env.PERFORMANCE_MAX_ROC_AUC_DROP,
    };
    if (!(env.VALIDATION_RED_P_VALUE < env.VALIDATION_YELLOW_P_VALUE)) {
      throw new Error(
        `VALIDATION_RED_P_VALUE (${env.VALIDATION_RED_P_VALUE}) must be below VALIDATION_YELLOW_P_VALUE (${env.VALIDATION_YELLOW_P_VALUE})`,
      );
    }
    this.validation = {
      yellowPValue: env.VALIDATION_YELLOW_P_VALUE,
      redPValue: env.VALIDATION_RED_P_VALUE,
      minGradeObligors: env.VALIDATION_MIN_GRADE_OBLIGORS,
      maxRows: env.VALIDATION_MAX_ROWS,
      alertCohortDays: env.VALIDATION_ALERT_COHORT_DAYS,
    };
    this.retraining = {
      driftWindows: env.RETRAIN_DRIFT_WINDOWS,
      minLabelledRows: env.RETRAIN_MIN_LABELLED_ROWS,
      holdoutFraction: env.RETRAIN_HOLDOUT_FRACTION,
      cvFolds: env.RETRAIN_CV_FOLDS,
      seed: env.RETRAIN_SEED,
      trainingDataPath: env.RETRAIN_TRAINING_DATA_PATH,
    };
    this.workers = { threads: env.WORKER_THREADS, queueLimit: env.WORKER_QUEUE_LIMIT };
    this.graphqlIde = env.GRAPHQL_IDE === 'auto' ? env.NODE_ENV !== 'production' : env.GRAPHQL_IDE === 'true';
    this.metrics = { enabled: env.METRICS_ENABLED, token: env.METRICS_TOKEN ?? null, port: env.METRICS_PORT ?? null };
    if (env.NODE_ENV === 'production' && this.metrics.enabled && !this.metrics.token) {
      throw new Error(
        'Invalid configuration:\n  METRICS_TOKEN: required in production while /metrics is enabled (or set METRICS_ENABLED=false)',
      );
    }
    const webhookUrls = (env.ALERT_WEBHOOK_URLS ?? '')
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean);
    if (webhookUrls.length > 0 && !env.ALERT_WEBHOOK_SECRET) {
      throw new Error(
        'Invalid configuration:\n  ALERT_WEBHOOK_SECRET: required when ALERT_WEBHOOK_URLS is set (receivers verify the signature)',
      );
    }
    if (env.ALERT_DELIVERY_MAX_BACKOFF_MS < env.ALERT_DELIVERY_BACKOFF_MS) {
      throw new Error('Invalid configuration:\n  ALERT_DELIVERY_MAX_BACKOFF_MS: must be at least ALERT_DELIVERY_BACKOFF_MS');
    }
    this.alertRouting = {
      alertmanagerUrl: env.ALERTMANAGER_URL ? env.ALERTMANAGER_URL.replace(/\/+$/, '') : null,
      webhookUrls,
      webhookSecret: env.ALERT_WEBHOOK_SECRET ?? null,
      pollMs: env.ALERT_DELIVERY_POLL_MS,
      backoffMs: env.ALERT_DELIVERY_BACKOFF_MS,
      maxBackoffMs: env.ALERT_DELIVERY_MAX_BACKOFF_MS,
      maxAttempts: env.ALERT_DELIVERY_MAX_ATTEMPTS,
      timeoutMs: env.ALERT_DELIVERY_TIMEOUT_MS,
      alertmanagerResendMs: env.ALERTMANAGER_RESEND_MS,
      publicUrl: env.PUBLIC_URL ? env.PUBLIC_URL.replace(/\/+$/, '') : null,
    };
  }

  get isProduction(): boolean {
    return this.nodeEnv === 'production';
  }
}

function parseFeatureOverrides(json: string): Record<string, DriftFeatureOverride> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error(`Invalid configuration:\n  DRIFT_FEATURE_OVERRIDES: must be a JSON object`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`Invalid configuration:\n  DRIFT_FEATURE_OVERRIDES: must be a JSON object`);
  }
  return parsed as Record<string, DriftFeatureOverride>;
}

function parseOidc(env: EnvironmentVariables): AppConfig['security']['oidc'] {
  const given = [env.OIDC_ISSUER, env.OIDC_AUDIENCE, env.OIDC_JWKS_URL].filter((v) => v !== undefined).length;
  if (given === 0) return null;
  if (given !== 3) throw invalid('OIDC_ISSUER', 'OIDC_ISSUER, OIDC_AUDIENCE and OIDC_JWKS_URL must be set together');
  return {
    issuer: env.OIDC_ISSUER!,
    audience: env.OIDC_AUDIENCE!,
    jwksUrl: env.OIDC_JWKS_URL!,
    roleClaim: env.OIDC_ROLE_CLAIM,
    algorithms: env.OIDC_ALGORITHMS.split(','),
  };
}

function parseRateLimits(json: string): Record<string, RateLimitConfig> {
  const name = 'RATE_LIMITS';
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw invalid(name, 'must be a JSON object');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalid(name, 'must be a JSON object');
  const limits: Record<string, RateLimitConfig> = { ...DEFAULT_RATE_LIMITS };
  for (const [role, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (!(role in DEFAULT_RATE_LIMITS)) throw invalid(name, `"${role}" is not a role (${Object.keys(DEFAULT_RATE_LIMITS).join(', ')})`);
    const v = (value ?? {}) as Record<string, unknown>;
    const capacity = v.capacity ?? DEFAULT_RATE_LIMITS[role].capacity;
    const refill = v.refillPerSecond ?? DEFAULT_RATE_LIMITS[role].refillPerSecond;
    if (typeof capacity !== 'number' || !Number.isInteger(capacity) || capacity < 1)
      throw invalid(name, `${role}.capacity must be a positive integer`);
    if (typeof refill !== 'number' || !(refill > 0) || !Number.isFinite(refill))
      throw invalid(name, `${role}.refillPerSecond must be a positive number`);
    limits[role] = { capacity, refillPerSecond: refill };
  }
  return limits;
}

function invalid(name: string, rule: string): Error {
  return new Error(`Invalid configuration:\n  ${name}: ${rule}`);
}

function checkCron(name: string, expression: string): string {
  const trimmed = expression.trim();
  // The scheduler's own parser, so a bad expression stops the start here with the variable's name.
  const { valid, error } = validateCronExpression(trimmed);
  if (!valid) throw invalid(name, `"${expression}" is not a cron expression (${error?.message ?? 'invalid'})`);
  return trimmed;
}

function parseDriftWindows(json: string): DriftWindowConfig[] {
  const name = 'MONITORING_DRIFT_WINDOWS';
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw invalid(name, 'must be a JSON array');
  }
  if (!Array.isArray(parsed)) throw invalid(name, 'must be a JSON array');
  const kinds = new Set<string>();
  return parsed.map((entry: unknown, i) => {
    const w = (entry ?? {}) as Record<string, unknown>;
    const kind = w.kind;
    if (typeof kind !== 'string' || !/^[A-Z][A-Z0-9_]{0,31}$/.test(kind)) throw invalid(name, `[${i}].kind must be an UPPER_CASE name`);
    if (kinds.has(kind)) throw invalid(name, `[${i}].kind "${kind}" appears twice`);
    kinds.add(kind);
    const length = w.lengthMinutes;
    if (typeof length !== 'number' || !Number.isInteger(length) || length < 1)
      throw invalid(name, `[${i}].lengthMinutes must be a positive integer`);
    const align = w.alignMinutes ?? length;
    if (typeof align !== 'number' || !Number.isInteger(align) || align < 1)
      throw invalid(name, `[${i}].alignMinutes must be a positive integer`);
    if (typeof w.cron !== 'string') throw invalid(name, `[${i}].cron must be a cron expression`);
    if (w.enabled !== undefined && typeof w.enabled !== 'boolean') throw invalid(name, `[${i}].enabled must be true or false`);
    return {
      kind,
      cron: checkCron(`${name}[${i}].cron`, w.cron),
      lengthMinutes: length,
      alignMinutes: align,
      enabled: w.enabled !== false,
    };
  });
}
