import { AppConfig } from '../../../src/config/app-config';
import { validateEnvironment } from '../../../src/config/env.validation';

const config = (env: Record<string, string>) => new AppConfig(validateEnvironment(env));

describe('monitoring, performance and retraining configuration', () => {
  it('defaults: hourly (every 15 min) and daily windows; jobs on, except under NODE_ENV=test', () => {
    const defaults = config({});
    expect(defaults.monitoringJobs.enabled).toBe(true);
    expect(defaults.monitoringJobs.driftWindows).toEqual([
      { kind: 'HOURLY', cron: '*/15 * * * *', lengthMinutes: 60, alignMinutes: 15, enabled: true },
      { kind: 'DAILY', cron: '0 0 * * *', lengthMinutes: 1440, alignMinutes: 1440, enabled: true },
    ]);
    expect(config({ NODE_ENV: 'test' }).monitoringJobs.enabled).toBe(false);
    expect(config({ NODE_ENV: 'test', MONITORING_JOBS_ENABLED: 'true' }).monitoringJobs.enabled).toBe(true);
    expect(defaults.retraining).toMatchObject({ driftWindows: 3, minLabelledRows: 200, holdoutFraction: 0.25 });
  });

  it('alignment defaults to the window length; a window can be switched off', () => {
    const windows = config({ MONITORING_DRIFT_WINDOWS: '[{"kind":"SHIFT","cron":"0 */8 * * *","lengthMinutes":480,"enabled":false}]' })
      .monitoringJobs.driftWindows;
    expect(windows).toEqual([{ kind: 'SHIFT', cron: '0 */8 * * *', lengthMinutes: 480, alignMinutes: 480, enabled: false }]);
  });

  it.each([
    ['not json', /must be a JSON array/],
    ['[{"kind":"hourly","cron":"* * * * *","lengthMinutes":60}]', /UPPER_CASE/],
    ['[{"kind":"H","cron":"* * * * *","lengthMinutes":0}]', /lengthMinutes/],
    ['[{"kind":"H","cron":"soon","lengthMinutes":60}]', /not a cron expression/],
    ['[{"kind":"H","cron":"99 * * * *","lengthMinutes":60}]', /not a cron expression/],
    ['[{"kind":"H","cron":"* * * * *","lengthMinutes":60},{"kind":"H","cron":"* * * * *","lengthMinutes":60}]', /appears twice/],
  ])('refuses MONITORING_DRIFT_WINDOWS=%s', (value, message) => {
    expect(() => config({ MONITORING_DRIFT_WINDOWS: value })).toThrow(message);
  });

  it('refuses bad values naming the variable', () => {
    expect(() => config({ RETRAIN_DRIFT_WINDOWS: '0' })).toThrow(/RETRAIN_DRIFT_WINDOWS/);
    expect(() => config({ MONITORING_JOBS_ENABLED: 'maybe' })).toThrow(/MONITORING_JOBS_ENABLED/);
    expect(() => config({ RETRAIN_RECONCILE_CRON: 'hourly' })).toThrow(/RETRAIN_RECONCILE_CRON/);
  });
});
