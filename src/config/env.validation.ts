import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateBy,
  validateSync,
} from 'class-validator';

const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;

const emptyToUndefined = ({ value }: { value: unknown }): unknown => (value === '' ? undefined : value);

/** True when any of the comma-separated URLs carries user info (https://user:token@host/...). */
function hasUserInfo(value: unknown): boolean {
  return String(value)
    .split(',')
    .some((part) => {
      try {
        const url = new URL(part.trim());
        return url.username !== '' || url.password !== '';
      } catch {
        return false; // not a URL at all: the format rule reports it
      }
    });
}

const NO_USER_INFO = 'noUrlUserInfo';

/**
 * Receiver URLs must not carry credentials as user info: Node's fetch refuses such URLs (every
 * delivery would fail), and the credentials would end up in stored errors and logs.
 */
function NoUserInfo(): PropertyDecorator {
  return ValidateBy({
    name: NO_USER_INFO,
    validator: {
      validate: (value: unknown) => value === undefined || !hasUserInfo(value),
      defaultMessage: (args) =>
        `${args?.property} must not contain user info (user:password@host): Node's fetch refuses such URLs; put a token in the path, or route through a proxy that adds the credentials`,
    },
  });
}

/** Values never echoed in a configuration error. */
const SECRET_VARIABLES = new Set(['ALERT_WEBHOOK_SECRET']);

/** A rejected value as the configuration error shows it: secrets by length only, URL user info masked. */
function shownValue(key: string, value: unknown): string {
  if (value === undefined) return 'undefined';
  if (SECRET_VARIABLES.has(key)) return `(${String(value).length} characters, hidden)`;
  return JSON.stringify(typeof value === 'string' ? value.replace(/\/\/[^/\s,@]*@/g, '//***@') : value);
}

/**
 * Every environment variable the service reads, with its rule and default. README's configuration
 * table and .env.example list the same names; a bad value stops the start with a message naming
 * the variable (see validateEnvironment).
 */
export class EnvironmentVariables {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @IsString()
  EMBEDDED_PG_DIR = '.data/postgres';

  @IsInt()
  @Min(1024)
  @Max(65535)
  EMBEDDED_PG_PORT = 54329;

  @IsInt()
  @Min(1)
  @Max(200)
  DB_POOL_SIZE = 10;

  /**
   * How long a stop (SIGINT/SIGTERM) may take before the process gives up waiting and exits 1.
   * Keep it below the platform's grace period before SIGKILL (30 s for docker stop and Kubernetes).
   */
  @IsInt()
  @Min(1000)
  @Max(600_000)
  SHUTDOWN_TIMEOUT_MS = 20_000;

  @IsString()
  MODEL_PATH = 'artifacts/model.json';

  @IsInt()
  @Min(1)
  @Max(1_000_000)
  MAX_BATCH_SIZE = 50_000;

  @IsIn(['error', 'warn', 'info', 'debug'])
  LOG_LEVEL: 'error' | 'warn' | 'info' | 'debug' = 'info';

  @Transform(toBoolean)
  @IsBoolean()
  DEMO = false;

  @IsInt()
  @Min(100)
  DEMO_INTERVAL_MS = 3000;

  @IsString()
  BASELINE_DATA_DIR = 'datasets';

  @IsString()
  BASELINE_SEED_PATH = 'datasets/baseline-sample.csv';

  @IsInt()
  @Min(2)
  DRIFT_MIN_SAMPLE_SIZE = 30;

  @IsNumber()
  @Min(0.0001)
  @Max(0.5)
  DRIFT_ALPHA = 0.05;

  /** Materiality gate on noise-corrected PSI (0.1 = the credit-risk "moderate shift" band). */
  @IsNumber()
  @Min(0)
  DRIFT_PSI_THRESHOLD = 0.1;

  /** Materiality gate on noise-corrected Wasserstein distance, in baseline standard deviations. */
  @IsNumber()
  @Min(0)
  DRIFT_WASSERSTEIN_THRESHOLD = 0.1;

  /** Materiality gate on noise-corrected Jensen–Shannon distance for discrete features. */
  @IsNumber()
  @Min(0)
  @Max(1)
  DRIFT_JS_THRESHOLD = 0.1;

  /** JSON object: { "<feature>": { "alpha"?, "psiThreshold"?, "wassersteinThreshold"?, "enabled"? } } */
  @IsString()
  DRIFT_FEATURE_OVERRIDES = '{}';

  @IsNumber()
  @Min(0)
  ALERT_PSI_MODERATE = 0.1;

  @IsNumber()
  @Min(0)
  ALERT_PSI_SIGNIFICANT = 0.25;

  @IsNumber()
  @Min(0)
  @Max(1)
  ALERT_DUPLICATE_SHARE_THRESHOLD = 0.05;

  @IsNumber()
  @Min(0)
  @Max(1)
  ALERT_INVALID_SHARE_THRESHOLD = 0.01;

  @IsNumber()
  @Min(0)
  @Max(1)
  ALERT_MIN_ROC_AUC = 0.65;

  /** Consecutive clear WINDOW checks after which a live alert resolves itself. */
  @IsInt()
  @Min(1)
  @Max(100)
  ALERT_AUTO_RESOLVE_CHECKS = 3;

  /** Scheduled jobs (window re-checks, retraining reconciliation). auto: on, except with NODE_ENV=test. */
  @IsIn(['auto', 'true', 'false'])
  MONITORING_JOBS_ENABLED: 'auto' | 'true' | 'false' = 'auto';

  /**
   * JSON array of windowed drift re-checks: [{ "kind", "cron", "lengthMinutes", "alignMinutes"?, "enabled"? }].
   * The window end is the tick time floored to alignMinutes (UTC), so every instance computes the same key.
   */
  @IsString()
  MONITORING_DRIFT_WINDOWS =
    '[{"kind":"HOURLY","cron":"*/15 * * * *","lengthMinutes":60,"alignMinutes":15},{"kind":"DAILY","cron":"0 0 * * *","lengthMinutes":1440,"alignMinutes":1440}]';

  /** Monthly prediction_logs partitions kept ready after the current month (created at start-up and daily). */
  @IsInt()
  @Min(1)
  @Max(60)
  PREDICTION_LOG_PARTITIONS_AHEAD = 3;

  /**
   * Months of raw prediction logs kept before the current one; older monthly partitions are
   * dropped whole. Unset: kept forever. Aggregates (drift reports, performance metrics, batches) stay.
   */
  @Transform(({ value }: { value: unknown }) => (value === '' || value === undefined ? undefined : Number(value)))
  @IsOptional()
  @IsInt({ message: 'PREDICTION_LOG_RETENTION_MONTHS must be a whole number of months (at least 1)' })
  @Min(1, { message: 'PREDICTION_LOG_RETENTION_MONTHS must be at least 1' })
  @Max(1200)
  PREDICTION_LOG_RETENTION_MONTHS?: number;

  /** When the partition maintenance job runs (UTC), besides once at start-up. */
  @IsString()
  PREDICTION_LOG_MAINTENANCE_CRON = '17 3 * * *';

  @Transform(toBoolean)
  @IsBoolean()
  RETRAIN_RECONCILE_ENABLED = true;

  @IsString()
  RETRAIN_RECONCILE_CRON = '*/15 * * * *';

  /** Consecutive DRIFT window reports (same window kind) that raise a DRIFT retraining event. */
  @IsInt()
  @Min(1)
  @Max(100)
  RETRAIN_DRIFT_WINDOWS = 3;

  /** Labelled rows needed before a realized ROC AUC feeds alerts and retraining (fewer: not evaluated). */
  @IsInt()
  @Min(2)
  PERFORMANCE_MIN_LABELS = 100;

  /** Rows needed before a label-free estimate feeds alerts. */
  @IsInt()
  @Min(2)
  PERFORMANCE_MIN_ROWS = 100;

  /** Realized ROC AUC this far below the model card's holdout figure raises a PERFORMANCE retraining event. */
  @IsNumber()
  @Min(0)
  @Max(1)
  PERFORMANCE_MAX_ROC_AUC_DROP = 0.05;

  /** Credit validation: a grade's (or the portfolio's) traffic light is YELLOW below this one-sided Jeffreys p-value. */
  @IsNumber()
  @Min(0.0001)
  @Max(0.5)
  VALIDATION_YELLOW_P_VALUE = 0.05;

  /** Credit validation: RED below this p-value (must be below VALIDATION_YELLOW_P_VALUE); also the AUC-decline test's level. */
  @IsNumber()
  @Min(0.00001)
  @Max(0.5)
  VALIDATION_RED_P_VALUE = 0.01;

  /** Credit validation: grades with fewer obligors are INSUFFICIENT_DATA (never passing), unless RED. */
  @IsInt()
  @Min(1)
  VALIDATION_MIN_GRADE_OBLIGORS = 20;

  /** Credit validation: labelled rows one report may read (more: refused, ask for a shorter period). */
  @IsInt()
  @Min(1000)
  VALIDATION_MAX_ROWS = 2000000;

  /**
   * Credit validation alert rule: each window check tests the predictions scored in the last this
   * many days whose outcomes have arrived (outcomes come late: the window's own hour has almost none).
   */
  @IsInt()
  @Min(1)
  @Max(3660)
  VALIDATION_ALERT_COHORT_DAYS = 30;

  /** Labelled prediction rows retrainModel needs (both classes present). */
  @IsInt()
  @Min(20)
  RETRAIN_MIN_LABELLED_ROWS = 200;

  /** Stratified share of the labelled logs on which challenger and champion are both evaluated. */
  @IsNumber()
  @Min(0.05)
  @Max(0.5)
  RETRAIN_HOLDOUT_FRACTION = 0.25;

  /** Cross-validation folds for the challenger (0 skips it; each fold is one more fit, run in the training worker thread). */
  @IsInt()
  @Min(0)
  @Max(20)
  RETRAIN_CV_FOLDS = 0;

  @IsInt()
  @Min(0)
  RETRAIN_SEED = 42;

  /** Labelled CSV added to the logs when retrainModel is called with includeTrainingData: true. */
  @IsString()
  RETRAIN_TRAINING_DATA_PATH = 'datasets/baseline-sample.csv';

  /** Worker threads per CPU-heavy pool (challenger training, ...): tasks of one pool run this many at once. */
  @IsInt()
  @Min(1)
  @Max(64)
  WORKER_THREADS = 1;

  /** Tasks one worker pool holds waiting beyond those running; more are refused with SERVICE_BUSY (retry later). */
  @IsInt()
  @Min(0)
  @Max(1000)
  WORKER_QUEUE_LIMIT = 4;

  /** Events a slow alertChanged subscriber may have queued before it is closed (it resumes with afterEventId). */
  @IsInt()
  @Min(10)
  @Max(1_000_000)
  ALERT_SUBSCRIBER_BUFFER = 10_000;

  /** Largest graphql-ws message accepted from a client; larger ones close the socket with 1009. */
  @IsInt()
  @Min(1024)
  @Max(10_485_760)
  GRAPHQL_WS_MAX_MESSAGE_BYTES = 65_536;

  @IsInt()
  @Min(1)
  @Max(50)
  GRAPHQL_MAX_DEPTH = 10;

  @IsInt()
  @Min(10)
  GRAPHQL_MAX_COMPLEXITY = 100_000;

  /** Tokens one GraphQL document may have; parsing stops beyond it (100,000 aliases never reach validation). */
  @IsInt()
  @Min(500)
  @Max(1_000_000)
  GRAPHQL_MAX_TOKENS = 10_000;

  /** Root fields (aliases count) in one query or subscription; a mutation operation always has exactly one. */
  @IsInt()
  @Min(1)
  @Max(1000)
  GRAPHQL_MAX_ROOT_FIELDS = 20;

  // --- Security: principals, limits ---

  /** OpenID Connect issuer (iss) of console JWTs; with OIDC_AUDIENCE and OIDC_JWKS_URL enables single sign-on. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  OIDC_ISSUER?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  OIDC_AUDIENCE?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\//, { message: 'OIDC_JWKS_URL must be an http(s) URL' })
  OIDC_JWKS_URL?: string;

  /** JWT claim holding the role (a string or an array of strings; the highest listed role wins). Dots descend into objects. */
  @IsString()
  OIDC_ROLE_CLAIM = 'roles';

  /** Comma-separated JWS algorithms accepted (never "none"; HS* needs a shared secret and is refused). */
  @Matches(
    /^(RS256|RS384|RS512|PS256|PS384|PS512|ES256|ES384|ES512|EdDSA)(,(RS256|RS384|RS512|PS256|PS384|PS512|ES256|ES384|ES512|EdDSA))*$/,
    {
      message: 'OIDC_ALGORITHMS must be a comma-separated list of asymmetric JWS algorithms',
    },
  )
  OIDC_ALGORITHMS = 'RS256,ES256';

  /**
   * JSON token buckets per role: { "<role>": { "capacity": n, "refillPerSecond": r } }. Roles left
   * out keep their defaults; "anonymous" limits refused (unauthenticated) callers per address.
   */
  @IsString()
  RATE_LIMITS = '{}';

  /** Comma-separated browser origins allowed to open graphql-ws sockets (same-origin and non-browser clients are always allowed). */
  @IsString()
  WS_ALLOWED_ORIGINS = '';

  @IsInt()
  @Min(1)
  @Max(10_000)
  WS_MAX_CONNECTIONS_PER_PRINCIPAL = 20;

  /** How often each instance re-checks the keys behind its open sockets (revocation, expiry). */
  @IsInt()
  @Min(200)
  @Max(60_000)
  WS_CREDENTIAL_RECHECK_MS = 2000;

  /** PostgreSQL statement_timeout for the service's pool (a 50,000-record batch needs about 2 s). */
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  DB_STATEMENT_TIMEOUT_MS = 60_000;

  /**
   * statement_timeout of the big aggregations, window checks and baselines built from prediction
   * logs (operator and background work, not ingest requests): rows without a stored batch profile
   * are binned by PostgreSQL at about 5 µs per row on 2 cores, and a baseline sorts each column.
   */
  @IsInt()
  @Min(1_000)
  @Max(86_400_000)
  AGGREGATION_STATEMENT_TIMEOUT_MS = 600_000;

  @IsInt()
  @Min(100)
  @Max(3_600_000)
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;

  // --- Input plausibility ---

  /** Largest annualIncome accepted (plausibility; larger is rejected as BAD_USER_INPUT). */
  @IsNumber()
  @Min(1)
  MAX_ANNUAL_INCOME = 100_000_000;

  /** Largest loanAmount accepted. */
  @IsNumber()
  @Min(1)
  MAX_LOAN_AMOUNT = 100_000_000;

  /** Largest batch metadata, as UTF-8 JSON bytes. */
  @IsInt()
  @Min(16)
  @Max(1_048_576)
  METADATA_MAX_BYTES = 16_384;

  /** Deepest nesting of batch metadata (an object holding an object holding a value is depth 2). */
  @IsInt()
  @Min(1)
  @Max(100)
  METADATA_MAX_DEPTH = 8;

  // --- Operator tooling: GraphQL IDE, Prometheus metrics, alert routing ---

  /** The GraphQL IDE at GET /graphql: `auto` = on outside production; `true` / `false` force it. */
  @IsIn(['auto', 'true', 'false'])
  GRAPHQL_IDE: 'auto' | 'true' | 'false' = 'auto';

  /** `GET /metrics` (Prometheus text format): on unless `false`. */
  @Transform(toBoolean)
  @IsBoolean()
  METRICS_ENABLED = true;

  /** Bearer token Prometheus must send for /metrics; production refuses to expose /metrics without one. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[\x21-\x7e]{16,512}$/, { message: 'METRICS_TOKEN must be 16 to 512 printable ASCII characters without spaces' })
  METRICS_TOKEN?: string;

  /** Serve /metrics on a port of its own (unset: on the main port). */
  @Transform(({ value }: { value: unknown }) => (value === '' || value === undefined ? undefined : Number(value)))
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65535)
  METRICS_PORT?: number;

  /** Prometheus Alertmanager base URL (e.g. http://alertmanager:9093); alerts are posted to its v2 API. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'ALERTMANAGER_URL must be an http:// or https:// URL' })
  @NoUserInfo()
  ALERTMANAGER_URL?: string;

  /** Comma-separated webhook receivers for alert notifications (signed with ALERT_WEBHOOK_SECRET). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/[^\s,]+(,\s*https?:\/\/[^\s,]+)*$/, {
    message: 'ALERT_WEBHOOK_URLS must be comma-separated http:// or https:// URLs',
  })
  @NoUserInfo()
  ALERT_WEBHOOK_URLS?: string;

  /**
   * HMAC-SHA256 key for webhook signatures; required when ALERT_WEBHOOK_URLS is set. At least 32
   * characters (e.g. `openssl rand -hex 32`): a short key can be guessed offline from one signed body.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'ALERT_WEBHOOK_SECRET must be at least 32 characters (e.g. openssl rand -hex 32)' })
  ALERT_WEBHOOK_SECRET?: string;

  /** How often each instance looks for due notifications in the outbox. */
  @IsInt()
  @Min(50)
  @Max(600_000)
  ALERT_DELIVERY_POLL_MS = 1000;

  /** First retry delay; doubles per attempt up to ALERT_DELIVERY_MAX_BACKOFF_MS. */
  @IsInt()
  @Min(10)
  @Max(3_600_000)
  ALERT_DELIVERY_BACKOFF_MS = 1000;

  @IsInt()
  @Min(10)
  @Max(86_400_000)
  ALERT_DELIVERY_MAX_BACKOFF_MS = 300_000;

  /**
   * Attempts before a notification is marked FAILED (2 to 3.5 hours with the default backoff). A
   * FAILED one stays queryable (alertNotifications) until an operator re-queues it with
   * retryAlertNotifications; for a webhook it holds back the later notifications of its alert
   * until then (docs/alerts.md "Delivery guarantees").
   */
  @IsInt()
  @Min(1)
  @Max(10_000)
  ALERT_DELIVERY_MAX_ATTEMPTS = 50;

  /** Per-request timeout for a receiver. */
  @IsInt()
  @Min(100)
  @Max(120_000)
  ALERT_DELIVERY_TIMEOUT_MS = 5000;

  /**
   * How often every live alert is re-sent to Alertmanager (as Prometheus re-sends firing alerts);
   * each post says endsAt = now + 4 x this, so an alert the service stops re-sending ends by itself.
   */
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  ALERTMANAGER_RESEND_MS = 60_000;

  /** The service's external base URL (e.g. https://credit-monitor.bank.example), for dashboard links in notifications. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'PUBLIC_URL must be an http:// or https:// URL' })
  PUBLIC_URL?: string;
}

export class ConfigValidationError extends Error {}

/** Variables without a default (absent from a fresh EnvironmentVariables' keys). */
const OPTIONAL_VARIABLES = [
  'DATABASE_URL',
  'OIDC_ISSUER',
  'OIDC_AUDIENCE',
  'OIDC_JWKS_URL',
  'METRICS_TOKEN',
  'METRICS_PORT',
  'PREDICTION_LOG_RETENTION_MONTHS',
  'ALERTMANAGER_URL',
  'ALERT_WEBHOOK_URLS',
  'ALERT_WEBHOOK_SECRET',
  'PUBLIC_URL',
];

/** Converts strings from the environment into typed values and checks every rule at once. */
export function validateEnvironment(raw: Record<string, unknown>): EnvironmentVariables {
  const defaults = new EnvironmentVariables() as unknown as Record<string, unknown>;
  const relevant: Record<string, unknown> = {};
  for (const key of [...Object.keys(defaults), ...OPTIONAL_VARIABLES]) {
    const value = raw[key];
    if (value === undefined) continue;
    // Environment values are strings; numeric settings are converted here so that "abc" fails
    // the numeric rule (as NaN) instead of slipping through as a string.
    relevant[key] = typeof defaults[key] === 'number' && typeof value === 'string' ? Number(value.trim() === '' ? NaN : value) : value;
  }
  const env = plainToInstance(EnvironmentVariables, relevant, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false });
  if (errors.length > 0) {
    const lines = errors.map((error) => {
      const rules = Object.values(error.constraints ?? {}).join('; ');
      return `  ${error.property}=${shownValue(error.property, raw[error.property])}: ${rules}`;
    });
    throw new ConfigValidationError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return env;
}
