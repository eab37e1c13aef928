/**
 * Typed "X happened" payloads from producers (drift, performance) to the signal sinks below them
 * in the layer order (alerts, retraining; docs/architecture.md). Producers call the sink's
 * service inside their own transaction, passing the EntityManager, so a derived change (an
 * alert, a retraining signal) commits or rolls back with its cause.
 */

export type DriftStatus = 'STABLE' | 'DRIFT' | 'INSUFFICIENT_DATA';

export interface FeatureDriftSummary {
  feature: string;
  kind: 'numeric' | 'discrete';
  /** Deciding statistic: 'ks' | 'chi_square' | 'psi'. */
  method: string;
  statistic: number | null;
  pValue: number | null;
  adjustedPValue: number | null;
  threshold: number | null;
  psi: number | null;
  wassersteinNormalized: number | null;
  jensenShannon: number | null;
  drifted: boolean;
  evaluated: boolean;
}

export interface DataQualityFacts {
  rowCount: number;
  duplicateCustomerIds: number;
  duplicateRows: number;
  outOfSupportValues: number;
}

/** Emitted after a drift report row (BATCH or WINDOW) is written, in the same transaction. */
export interface DriftReportCreated {
  reportId: string;
  kind: 'BATCH' | 'WINDOW';
  batchId: string | null;
  modelVersion: string;
  status: DriftStatus;
  globalScore: number | null;
  driftedShare: number | null;
  rowCount: number;
  /** Includes the model output as feature 'prediction'. */
  features: FeatureDriftSummary[];
  /** Present for BATCH reports. */
  dataQuality: DataQualityFacts | null;
  /** Which features moved the scores, largest |contribution| first (null: not decomposable). */
  scoreShift?: { total: number; contributions: Array<{ feature: string; contribution: number; share: number }> } | null;
  occurredAt: Date;
}

/**
 * Emitted when a scheduled window's labelled predictions were put through the credit validation
 * tests (src/model/credit-validation.ts): what the VALIDATION_FAILURE rule judges.
 */
export interface ValidationEvaluated {
  modelVersion: string;
  /** The window check that ran the tests… */
  windowKind: string;
  windowEnd: Date;
  /** …on the predictions scored in [cohortStart, windowEnd) whose outcomes had arrived. */
  cohortStart: Date;
  rows: number;
  defaults: number;
  /** GREEN / YELLOW / RED / INSUFFICIENT_DATA (the Jeffreys test on the whole portfolio). */
  portfolioTrafficLight: string;
  portfolioPd: number | null;
  portfolioObservedDefaultRate: number | null;
  portfolioJeffreysPValue: number | null;
  rocAuc: number | null;
  initialAuc: number | null;
  /** Null when the decline was not tested (too few defaults, or no initial AUC). */
  aucDeclinePValue: number | null;
  aucDeclineSignificant: boolean;
  /** Grades whose own traffic light is RED. */
  redGrades: number[];
  failed: boolean;
  failures: string[];
  occurredAt: Date;
}

/** Emitted when realized or estimated performance is (re)computed. */
export interface PerformanceUpdated {
  modelVersion: string;
  scope: 'BATCH' | 'WINDOW';
  batchId: string | null;
  realizedRocAuc: number | null;
  estimatedRocAuc: number | null;
  /** The model card's holdout ROC AUC for this model version (null for the fallback scorer). */
  referenceRocAuc: number | null;
  labelledCount: number;
  occurredAt: Date;
}
