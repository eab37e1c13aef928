import { AppConfig } from '../../../src/config/app-config';
import { validateEnvironment } from '../../../src/config/env.validation';

describe('environment validation', () => {
  it('applies documented defaults', () => {
    const config = new AppConfig(validateEnvironment({}));
    expect(config).toMatchObject({
      port: 3000,
      maxBatchSize: 50_000,
      modelPath: 'artifacts/model.json',
      logLevel: 'info',
      databaseUrl: null,
    });
    expect(config.drift).toMatchObject({ minSampleSize: 30, alpha: 0.05, psiThreshold: 0.1, jensenShannonThreshold: 0.1 });
  });

  it('converts numeric strings and keeps DATABASE_URL as given', () => {
    const env = validateEnvironment({ PORT: '8080', DRIFT_ALPHA: '0.01', DATABASE_URL: 'postgres://u@h:5432/db' });
    expect(env.PORT).toBe(8080);
    expect(env.DRIFT_ALPHA).toBe(0.01);
    expect(env.DATABASE_URL).toBe('postgres://u@h:5432/db');
  });

  it.each([
    ['PORT', 'abc', /PORT="abc".*integer/],
    ['PORT', '70000', /PORT="70000".*not be greater than 65535/],
    ['MAX_BATCH_SIZE', '0', /MAX_BATCH_SIZE="0".*not be less than 1/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL="loud".*one of/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL.*postgres/],
    ['DRIFT_ALPHA', '0.9', /DRIFT_ALPHA="0.9"/],
  ])('rejects %s=%s naming the variable', (name, value, message) => {
    expect(() => validateEnvironment({ [name]: value })).toThrow(message);
  });

  it('reports every bad variable at once', () => {
    expect(() => validateEnvironment({ PORT: 'x', LOG_LEVEL: 'y' })).toThrow(/PORT[\s\S]*LOG_LEVEL|LOG_LEVEL[\s\S]*PORT/);
  });

  it('rejects DRIFT_FEATURE_OVERRIDES that is not a JSON object', () => {
    expect(() => new AppConfig(validateEnvironment({ DRIFT_FEATURE_OVERRIDES: '[1]' }))).toThrow(/DRIFT_FEATURE_OVERRIDES/);
  });

  it('credit validation levels: red must be below yellow; the cohort is configurable', () => {
    expect(() => new AppConfig(validateEnvironment({ VALIDATION_RED_P_VALUE: '0.05', VALIDATION_YELLOW_P_VALUE: '0.05' }))).toThrow(
      /VALIDATION_RED_P_VALUE \(0\.05\) must be below VALIDATION_YELLOW_P_VALUE/,
    );
    expect(
      new AppConfig(validateEnvironment({ VALIDATION_RED_P_VALUE: '0.001', VALIDATION_ALERT_COHORT_DAYS: '90' })).validation,
    ).toMatchObject({
      redPValue: 0.001,
      yellowPValue: 0.05,
      alertCohortDays: 90,
    });
  });
});
