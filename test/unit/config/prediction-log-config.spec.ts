import { AppConfig } from '../../../src/config/app-config';
import { validateEnvironment } from '../../../src/config/env.validation';

const load = (env: Record<string, string>) => new AppConfig(validateEnvironment(env));

describe('prediction_logs partition settings', () => {
  it('defaults: three months ahead, kept forever, maintenance daily at 03:17 UTC', () => {
    expect(load({}).predictionLogs).toEqual({ partitionsAhead: 3, retentionMonths: null, maintenanceCron: '17 3 * * *' });
  });

  it('reads PREDICTION_LOG_RETENTION_MONTHS, PREDICTION_LOG_PARTITIONS_AHEAD and PREDICTION_LOG_MAINTENANCE_CRON', () => {
    expect(
      load({ PREDICTION_LOG_RETENTION_MONTHS: '24', PREDICTION_LOG_PARTITIONS_AHEAD: '6', PREDICTION_LOG_MAINTENANCE_CRON: '0 4 * * 0' })
        .predictionLogs,
    ).toEqual({ partitionsAhead: 6, retentionMonths: 24, maintenanceCron: '0 4 * * 0' });
    expect(load({ PREDICTION_LOG_RETENTION_MONTHS: '' }).predictionLogs.retentionMonths).toBeNull();
  });

  it.each([
    ['0', /PREDICTION_LOG_RETENTION_MONTHS="0": PREDICTION_LOG_RETENTION_MONTHS must be at least 1/],
    ['-3', /PREDICTION_LOG_RETENTION_MONTHS="-3".*at least 1/],
    ['1.5', /PREDICTION_LOG_RETENTION_MONTHS="1.5".*whole number of months/],
    ['twelve', /PREDICTION_LOG_RETENTION_MONTHS="twelve".*whole number of months/],
  ])('rejects PREDICTION_LOG_RETENTION_MONTHS=%s naming the variable and the rule', (value, message) => {
    expect(() => validateEnvironment({ PREDICTION_LOG_RETENTION_MONTHS: value })).toThrow(message);
  });

  it('rejects a bad PREDICTION_LOG_PARTITIONS_AHEAD or PREDICTION_LOG_MAINTENANCE_CRON', () => {
    expect(() => validateEnvironment({ PREDICTION_LOG_PARTITIONS_AHEAD: '0' })).toThrow(/PREDICTION_LOG_PARTITIONS_AHEAD="0"/);
    expect(() => load({ PREDICTION_LOG_MAINTENANCE_CRON: 'daily' })).toThrow(
      /PREDICTION_LOG_MAINTENANCE_CRON: "daily" is not a cron expression/,
    );
  });
});
