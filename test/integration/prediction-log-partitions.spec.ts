import { SchedulerRegistry } from '@nestjs/schedule';
import { addMonths, monthStart, partitionName } from '../../src/prediction-logs/partition-months';
import { useServiceFixture } from '../support/service-fixture';

jest.setTimeout(120_000);

/**
 * The partition maintenance job as the service runs it: once during start-up (before it serves)
 * and on PREDICTION_LOG_MAINTENANCE_CRON, like the other scheduled jobs. The job's own behaviour
 * is covered in test/medium/prediction-log-partitions.spec.ts.
 */
describe('prediction_logs partition maintenance in the service', () => {
  const fixture = useServiceFixture({
    MONITORING_JOBS_ENABLED: 'true',
    PREDICTION_LOG_PARTITIONS_AHEAD: '7',
    PREDICTION_LOG_MAINTENANCE_CRON: '41 2 * * *',
  });

  it('has created the months ahead by the time the service answers, and schedules the daily run', async () => {
    // The migration makes three months ahead; the start-up run extends to PREDICTION_LOG_PARTITIONS_AHEAD.
    const current = monthStart(new Date());
    const expected = Array.from({ length: 8 }, (_, n) => partitionName(addMonths(current, n)));
    const { rows } = await fixture.sql.query(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'prediction_logs'::regclass`,
    );
    expect(rows.map((r: { name: string }) => r.name)).toEqual(expect.arrayContaining([...expected, 'prediction_logs_default']));

    const job = fixture.service.app.get(SchedulerRegistry).getCronJob('prediction-log-partitions');
    expect(String(job.cronTime.source)).toBe('41 2 * * *');
  });
});
