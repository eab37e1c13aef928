/**
 * prediction_logs is partitioned by calendar month in UTC (migrations/1764900000000-
 * PartitionPredictionLogs.ts): the partition for January 2025 is `prediction_logs_p202501`,
 * holding created_at in [2025-01-01T00:00Z, 2025-02-01T00:00Z). Plain functions, shared by the
 * maintenance service and its repository.
 */

export const PARTITION_PREFIX = 'prediction_logs_p';
export const DEFAULT_PARTITION = 'prediction_logs_default';

const NAME = /^prediction_logs_p(\d{4})(\d{2})$/;

/** The first instant (UTC) of the month holding `at`. */
export function monthStart(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

/** The month `n` months after (or, negative, before) the month starting at `month`. */
export function addMonths(month: Date, n: number): Date {
  return new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + n, 1));
}

export function partitionName(month: Date): string {
  return `${PARTITION_PREFIX}${month.getUTCFullYear()}${String(month.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The month a partition name stands for, or null for any other name (the DEFAULT partition, one made by hand). */
export function monthOfPartition(name: string): Date | null {
  const match = NAME.exec(name);
  if (!match) return null;
  const month = Number(match[2]);
  return month >= 1 && month <= 12 ? new Date(Date.UTC(Number(match[1]), month - 1, 1)) : null;
}

/**
 * Months a four-digit partition name and an ISO bound can express. Rows of other years (a clock
 * gone badly wrong) stay in the DEFAULT partition.
 */
export function nameableMonth(month: Date): boolean {
  return month.getUTCFullYear() >= 1000 && month.getUTCFullYear() <= 9998;
}
