import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { version as packageVersion } from '../../package.json';
import { DomainError } from '../common/errors/domain-error';
import { AppConfig } from '../config/app-config';
import { MetricsUnauthorizedError, scrapeAllowed } from './metrics-access';
import { ProcessMetrics } from './process-metrics';

/** Prefix of every metric this service defines (Node's default metrics keep their usual names). */
export const METRIC_PREFIX = 'credit_monitor_';

/**
 * How a request ended: `rejected` is the caller's fault (a typed API error: bad input, conflict,
 * a model version mismatch), `error` is ours (anything else), `replayed` an idempotent retry
 * answered from what is stored.
 */
export type RequestOutcome = 'success' | 'rejected' | 'replayed' | 'error';

/** A window check that did not get the lock (another instance runs it) is `skipped`. */
export type WindowCheckOutcome = 'success' | 'skipped' | 'error';

export type DriftCheckKind = 'batch' | 'window';

/** What a scrape-time source reports for the open-alerts gauge (one row per label set). */
export interface OpenAlertCount {
  severity: string;
  kind: string;
  status: string;
  count: number;
}

/** The database pool as the pg Pool counts it. */
export interface PoolUsage {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

/** A value read from PostgreSQL at scrape time; bounded so a stuck pool cannot stall a scrape. */
type ScrapeSource<T> = () => Promise<T>;

/** A scrape-time read slower than this is dropped for this scrape (Prometheus' own default timeout is 10 s). */
const SOURCE_TIMEOUT_MS = 2_000;

/** Default metrics whose totals are also exposed per type under a well-formed name. */
const DEFAULT_METRICS_MISNAMED = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

const INGEST_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const WINDOW_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const RETRAINING_BUCKETS = [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

/**
 * The service's Prometheus metrics. One Registry per application (never prom-client's global
 * one): tests and the demo run several Nest applications in one process, and each instance's
 * /metrics must describe that instance only.
 *
 * Feature modules call the typed methods below; values that live in PostgreSQL (open alerts,
 * the active model version) are read at scrape time through sources their owning modules
 * register, so this module imports no feature. Labels are bounded: outcomes, statuses, kinds,
 * severities, window kinds from configuration and the fixed list of monitored features; never
 * batch, customer or report ids.
 */
@Injectable()
export class MetricsService implements OnApplicationShutdown {
  readonly registry = new Registry();
  private readonly logger = new Logger('Metrics');
  /** Process and runtime metrics; null with METRICS_ENABLED=false (nothing would read them). */
  private readonly processMetrics: ProcessMetrics | null;
  private readonly token: string | null;

  private readonly ingestRequests: Counter<'outcome'>;
  private readonly ingestRecords: Counter<'outcome'>;
  private readonly ingestDuration: Histogram<'outcome'>;
  private readonly outcomeRequests: Counter<'outcome'>;
  private readonly outcomeRecords: Counter<'outcome'>;
  private readonly driftVerdicts: Counter<'kind' | 'status'>;
  private readonly featureStatistic: Gauge<'feature' | 'kind' | 'method'>;
  private readonly featurePsi: Gauge<'feature' | 'kind'>;
  private readonly windowCheckDuration: Histogram<'window' | 'outcome'>;
  private readonly retrainingDuration: Histogram<'outcome'>;
  private readonly dbQueryErrors: Counter;
  private readonly dbConnectionErrors: Counter;
  private readonly sourceErrors: Counter<'source'>;

  private openAlertsSource: ScrapeSource<OpenAlertCount[]> | null = null;
  private modelVersionSource: ScrapeSource<string> | null = null;
  private poolSource: (() => PoolUsage | null) | null = null;
  /** The method label of each column's statistic series, by `kind:feature`. */
  private readonly statisticMethods = new Map<string, string>();
  /** The last model version read, kept for a scrape whose read fails. */
  private lastModelVersion = 'unknown';

  constructor(config: AppConfig) {
    const registers = [this.registry];
    this.processMetrics = config.metrics.enabled ? new ProcessMetrics(this.registry) : null;
    this.token = config.metrics.token;
    // prom-client names these gauges with a counter's `_total` suffix, which `promtool check
    // metrics` flags; the same counts stay available by type (nodejs_active_handles{type}, ...).
    for (const name of DEFAULT_METRICS_MISNAMED) this.registry.removeSingleMetric(name);

    this.ingestRequests = new Counter({
      name: `${METRIC_PREFIX}ingest_requests_total`,
      help: 'ingestBatch requests by outcome (success, rejected, replayed, error).',
      labelNames: ['outcome'],
      registers,
    });
    this.ingestRecords = new Counter({
      name: `${METRIC_PREFIX}ingest_records_total`,
      help: 'Records in ingestBatch requests by outcome; success counts records scored and stored.',
      labelNames: ['outcome'],
      registers,
    });
    this.ingestDuration = new Histogram({
      name: `${METRIC_PREFIX}ingest_duration_seconds`,
      help: 'ingestBatch time from the start of validation to the answer (after COMMIT), by outcome.',
      labelNames: ['outcome'],
      buckets: INGEST_BUCKETS,
      registers,
    });
    this.outcomeRequests = new Counter({
      name: `${METRIC_PREFIX}outcome_submissions_total`,
      help: 'submitOutcomes requests by outcome (success, rejected, error).',
      labelNames: ['outcome'],
      registers,
    });
    this.outcomeRecords = new Counter({
      name: `${METRIC_PREFIX}outcome_records_total`,
      help: 'Outcomes received in submitOutcomes requests by outcome.',
      labelNames: ['outcome'],
      registers,
    });
    this.driftVerdicts = new Counter({
      name: `${METRIC_PREFIX}drift_verdicts_total`,
      help: 'Drift reports committed, by kind (batch, window) and verdict (stable, drift, insufficient_data).',
      labelNames: ['kind', 'status'],
      registers,
    });
    this.featureStatistic = new Gauge({
      name: `${METRIC_PREFIX}drift_feature_statistic`,
      help: "The last committed drift report's statistic per monitored column (KS D, chi-square or PSI, see method); NaN = not evaluated.",
      labelNames: ['feature', 'kind', 'method'],
      registers,
    });
    this.featurePsi = new Gauge({
      name: `${METRIC_PREFIX}drift_feature_psi`,
      help: "The last committed drift report's population stability index per monitored column; NaN = not evaluated.",
      labelNames: ['feature', 'kind'],
      registers,
    });
    this.windowCheckDuration = new Histogram({
      name: `${METRIC_PREFIX}window_check_duration_seconds`,
      help: 'Scheduled or requested windowed drift re-checks, by window kind and outcome (success, skipped, error).',
      labelNames: ['window', 'outcome'],
      buckets: WINDOW_BUCKETS,
      registers,
    });
    this.retrainingDuration = new Histogram({
      name: `${METRIC_PREFIX}retraining_duration_seconds`,
      help: 'retrainModel (challenger training and evaluation), by outcome (success, rejected, error).',
      labelNames: ['outcome'],
      buckets: RETRAINING_BUCKETS,
      registers,
    });
    this.dbQueryErrors = new Counter({
      name: `${METRIC_PREFIX}db_query_errors_total`,
      help: 'SQL statements PostgreSQL or the driver failed (TypeORM reports each failed query once).',
      registers,
    });
    this.dbConnectionErrors = new Counter({
      name: `${METRIC_PREFIX}db_connection_errors_total`,
      help: 'Idle pooled connections lost (pg Pool "error" events, e.g. a PostgreSQL restart).',
      registers,
    });
    this.sourceErrors = new Counter({
      name: `${METRIC_PREFIX}metrics_source_errors_total`,
      help: 'Scrape-time reads that failed or timed out (their series are left out of that scrape).',
      labelNames: ['source'],
      registers,
    });
    this.defineScrapeTimeGauges(registers);
  }

  /** Ends the event-loop and GC monitors: they are process-wide and would outlive this application. */
  onApplicationShutdown(): void {
    this.processMetrics?.stop();
  }

  /**
   * One scrape as both listeners (the main port's route and METRICS_PORT's own) answer it: the
   * METRICS_TOKEN check, then the exposition with its response headers. A missing or wrong token
   * throws MetricsUnauthorizedError, which each listener sends as its 401.
   */
  async scrape(authorization: string | string[] | undefined): Promise<{ headers: Record<string, string>; body: string }> {
    if (!scrapeAllowed(this.token, authorization)) throw new MetricsUnauthorizedError();
    const { contentType, body } = await this.exposition();
    return { headers: { 'content-type': contentType, 'cache-control': 'no-store' }, body };
  }

  /** The exposition in Prometheus text format, and its content type. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  recordIngest(outcome: RequestOutcome, records: number, seconds: number): void {
    this.ingestRequests.inc({ outcome });
    this.ingestRecords.inc({ outcome }, records);
    this.ingestDuration.observe({ outcome }, seconds);
  }

  recordOutcomeSubmission(outcome: Exclude<RequestOutcome, 'replayed'>, outcomes: number): void {
    this.outcomeRequests.inc({ outcome });
    this.outcomeRecords.inc({ outcome }, outcomes);
  }

  /**
   * One committed drift report. `features` are the drift engine's monitored columns (a fixed
   * list), so the per-feature gauges stay bounded.
   */
  recordDriftReport(
    kind: DriftCheckKind,
    status: string,
    features: ReadonlyArray<{ feature: string; method: string; statistic: number | null; psi: number | null }>,
  ): void {
    this.driftVerdicts.inc({ kind, status: status.toLowerCase() });
    for (const f of features) {
      // The deciding method can change between reports (see verdict.ts): drop the old series so
      // each column has one last statistic.
      const key = `${kind}:${f.feature}`;
      const previous = this.statisticMethods.get(key);
      if (previous !== undefined && previous !== f.method) this.featureStatistic.remove({ feature: f.feature, kind, method: previous });
      this.statisticMethods.set(key, f.method);
      this.featureStatistic.set({ feature: f.feature, kind, method: f.method }, f.statistic ?? NaN);
      this.featurePsi.set({ feature: f.feature, kind }, f.psi ?? NaN);
    }
  }

  recordWindowCheck(window: string, outcome: WindowCheckOutcome, seconds: number): void {
    this.windowCheckDuration.observe({ window: window.toLowerCase(), outcome }, seconds);
  }

  recordRetraining(outcome: Exclude<RequestOutcome, 'replayed'>, seconds: number): void {
    this.retrainingDuration.observe({ outcome }, seconds);
  }

  recordQueryError(): void {
    this.dbQueryErrors.inc();
  }

  recordConnectionError(): void {
    this.dbConnectionErrors.inc();
  }

  /** Alerts registers its one aggregate query; it runs once per scrape. */
  setOpenAlertsSource(source: ScrapeSource<OpenAlertCount[]>): void {
    this.openAlertsSource = source;
  }

  /** Scoring registers the registry's ACTIVE version, so a promotion on any instance shows at the next scrape. */
  setModelVersionSource(source: ScrapeSource<string>): void {
    this.modelVersionSource = source;
  }

  /** The database module registers the pool behind TypeORM (read from memory, no query). */
  setPoolSource(source: () => PoolUsage | null): void {
    this.poolSource = source;
  }

  /** How a failed request is counted: typed API errors are the caller's, the rest are ours. */
  static failureOutcome(error: unknown): 'rejected' | 'error' {
    return error instanceof DomainError && error.code !== 'INTERNAL_SERVER_ERROR' ? 'rejected' : 'error';
  }

  private defineScrapeTimeGauges(registers: Registry[]): void {
    // prom-client calls collect() with the metric as `this`; arrow functions keep the service.
    const openAlerts: Gauge<'severity' | 'kind' | 'status'> = new Gauge({
      name: `${METRIC_PREFIX}alerts_open`,
      help: 'Alerts not yet resolved (status open or acknowledged), by severity and kind; read from PostgreSQL at scrape time.',
      labelNames: ['severity', 'kind', 'status'],
      registers,
      collect: async () => {
        openAlerts.reset();
        if (!this.openAlertsSource) return;
        const rows = await this.read('open_alerts', this.openAlertsSource);
        for (const row of rows ?? []) {
          openAlerts.set(
            { severity: row.severity.toLowerCase(), kind: row.kind.toLowerCase(), status: row.status.toLowerCase() },
            row.count,
          );
        }
      },
    });
    const buildInfo: Gauge<'version' | 'model_version' | 'node_version'> = new Gauge({
      name: `${METRIC_PREFIX}build_info`,
      help: 'Always 1: the package version, the ACTIVE model version and the Node.js version as labels.',
      labelNames: ['version', 'model_version', 'node_version'],
      registers,
      collect: async () => {
        const modelVersion = this.modelVersionSource ? await this.read('model_version', this.modelVersionSource) : null;
        if (modelVersion) this.lastModelVersion = modelVersion;
        buildInfo.reset();
        buildInfo.set({ version: packageVersion, model_version: this.lastModelVersion, node_version: process.version }, 1);
      },
    });
    const pool = (name: string, help: string, pick: (usage: PoolUsage) => number): Gauge => {
      const gauge: Gauge = new Gauge({
        name: `${METRIC_PREFIX}${name}`,
        help,
        registers,
        collect: () => {
          const usage = this.poolSource?.();
          if (usage) gauge.set(pick(usage));
        },
      });
      return gauge;
    };
    pool('db_pool_connections', 'Connections the pg pool holds open (busy and idle).', (u) => u.total);
    pool('db_pool_idle_connections', 'Open pool connections not checked out.', (u) => u.idle);
    pool('db_pool_waiting_requests', 'Requests queued for a pool connection (all connections busy).', (u) => u.waiting);
    pool('db_pool_max_connections', 'The pool size (DB_POOL_SIZE).', (u) => u.max);
  }

  /** A scrape-time read that fails or hangs is logged, counted and left out; the scrape goes on. */
  private async read<T>(source: string, read: ScrapeSource<T>): Promise<T | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${SOURCE_TIMEOUT_MS} ms`)), SOURCE_TIMEOUT_MS);
    });
    try {
      return await Promise.race([read(), timeout]);
    } catch (error) {
      this.sourceErrors.inc({ source });
      this.logger.warn({ msg: 'metrics source failed; its series are left out of this scrape', source, error: String(error) });
      return null;
    } finally {
      clearTimeout(timer);
    }
  }
}
