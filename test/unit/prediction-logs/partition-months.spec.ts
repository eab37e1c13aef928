import { addMonths, monthOfPartition, monthStart, nameableMonth, partitionName } from '../../../src/prediction-logs/partition-months';

describe('prediction_logs month partitions (UTC)', () => {
  it('names the UTC month of an instant, whatever the local time zone says', () => {
    expect(partitionName(monthStart(new Date('2025-01-31T23:30:00-05:00')))).toBe('prediction_logs_p202502');
    expect(partitionName(monthStart(new Date('2025-03-01T00:00:00Z')))).toBe('prediction_logs_p202503');
  });

  it('steps months across years in both directions', () => {
    expect(addMonths(new Date('2025-11-01T00:00:00Z'), 3)).toEqual(new Date('2026-02-01T00:00:00Z'));
    expect(addMonths(new Date('2025-01-01T00:00:00Z'), -13)).toEqual(new Date('2023-12-01T00:00:00Z'));
  });

  it('reads a month back from a partition name, and nothing from other names', () => {
    expect(monthOfPartition('prediction_logs_p204102')).toEqual(new Date('2041-02-01T00:00:00Z'));
    expect(monthOfPartition('prediction_logs_default')).toBeNull();
    expect(monthOfPartition('prediction_logs_p202513')).toBeNull();
    expect(monthOfPartition('prediction_logs_p2025011')).toBeNull();
  });

  it('leaves years a four-digit name cannot hold to the DEFAULT partition', () => {
    expect(nameableMonth(new Date('2030-01-01T00:00:00Z'))).toBe(true);
    expect(nameableMonth(new Date(Date.UTC(9999, 11, 1)))).toBe(false);
    expect(nameableMonth(new Date(Date.UTC(999, 0, 1)))).toBe(false);
  });
});
