import { EnvironmentVariables } from './env.validation';

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
  readonly graphql: { maxDepth: number; maxComplexity: number; wsMaxMessageBytes: number };

  constructor(env: EnvironmentVariables) {
    this.nodeEnv = env.NODE_ENV;
    this.port = env.PORT;
    this.host = env.HOST;
    this.databaseUrl = env.DATABASE_URL ?? null;
    this.embeddedPgDir = env.EMBEDDED_PG_DIR;
    this.embeddedPgPort = env.EMBEDDED_PG_PORT;
    this.dbPoolSize = env.DB_POOL_SIZE;
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
