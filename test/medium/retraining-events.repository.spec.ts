import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { encodeCursor } from '../../src/common/pagination/connection';
import { RetrainingEventsRepository } from '../../src/retraining/retraining-events.repository';
import { useMigratedDatabase } from '../support/medium-database';

/**
 * Medium tier: the retraining_events repository on a real PostgreSQL: at most one OPEN event per
 * (model version, cause), resolution on promotion, the newest-first keyset list. Each test makes
 * its own model versions.
 */
describe('RetrainingEventsRepository (real PostgreSQL)', () => {
  const db = useMigratedDatabase([RetrainingEventsRepository]);
  let dataSource: DataSource;
  let repository: RetrainingEventsRepository;

  const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

  beforeAll(() => {
    dataSource = db.dataSource;
    repository = db.get(RetrainingEventsRepository);
  });

  it('opens one event per (model version, cause): a duplicate is a no-op and the open one is found', async () => {
    const modelVersion = unique('model');
    const opened = await dataSource.transaction((m) =>
      repository.insertOpen(m, { modelVersion, cause: 'DRIFT', reason: 'drift in 3 windows', details: { windows: 3 } }),
    );
    expect(opened).toMatchObject({
      model_version: modelVersion,
      cause: 'DRIFT',
      status: 'OPEN',
      reason: 'drift in 3 windows',
      details: { windows: 3 },
      resolved_at: null,
    });
    expect(opened!.created_at).toBeInstanceOf(Date);

    const duplicate = await dataSource.transaction((m) =>
      repository.insertOpen(m, { modelVersion, cause: 'DRIFT', reason: 'again', details: null }),
    );
    expect(duplicate).toBeNull();
    expect(await dataSource.transaction((m) => repository.findOpen(m, modelVersion, 'DRIFT'))).toEqual(opened);

    const manual = await dataSource.transaction((m) =>
      repository.insertOpen(m, { modelVersion, cause: 'MANUAL', reason: 'asked', details: null }),
    );
    expect(manual).toMatchObject({ cause: 'MANUAL', details: null });
    expect(await dataSource.transaction((m) => repository.findOpen(m, modelVersion, 'PERFORMANCE'))).toBeNull();
  });

  it('resolves a version’s open events on promotion, keeps their details, and then allows a new open event', async () => {
    const modelVersion = unique('model');
    const other = unique('model');
    await dataSource.transaction(async (m) => {
      await repository.insertOpen(m, { modelVersion, cause: 'DRIFT', reason: 'drift', details: { windows: 3 } });
      await repository.insertOpen(m, { modelVersion, cause: 'PERFORMANCE', reason: 'auc', details: null });
      await repository.insertOpen(m, { modelVersion: other, cause: 'DRIFT', reason: 'drift', details: null });
    });

    expect(await dataSource.transaction((m) => repository.resolveOpenForVersion(m, modelVersion, 'challenger-1'))).toBe(2);
    expect(await dataSource.transaction((m) => repository.resolveOpenForVersion(m, modelVersion, 'challenger-1'))).toBe(0);

    const rows = await dataSource.query(
      `SELECT cause, status, details, resolved_at FROM retraining_events WHERE model_version = $1 ORDER BY cause`,
      [modelVersion],
    );
    expect(rows).toEqual([
      {
        cause: 'DRIFT',
        status: 'RESOLVED',
        details: { windows: 3, resolvedBy: 'promotion', promotedVersion: 'challenger-1' },
        resolved_at: expect.any(Date),
      },
      {
        cause: 'PERFORMANCE',
        status: 'RESOLVED',
        details: { resolvedBy: 'promotion', promotedVersion: 'challenger-1' },
        resolved_at: expect.any(Date),
      },
    ]);
    expect(await dataSource.transaction((m) => repository.findOpen(m, other, 'DRIFT'))).not.toBeNull();

    const reopened = await dataSource.transaction((m) =>
      repository.insertOpen(m, { modelVersion, cause: 'DRIFT', reason: 'drift again', details: null }),
    );
    expect(reopened).toMatchObject({ status: 'OPEN', reason: 'drift again' });
  });

  it('lists newest first with a keyset cursor, optionally by status, with the total count', async () => {
    const modelVersion = unique('model');
    const ids: string[] = [];
    for (const cause of ['DRIFT', 'PERFORMANCE', 'MANUAL'] as const) {
      const row = await dataSource.transaction((m) => repository.insertOpen(m, { modelVersion, cause, reason: cause, details: null }));
      ids.push(row!.id);
    }
    const [{ all, open }] = await dataSource.query(
      `SELECT count(*)::int AS all, count(*) FILTER (WHERE status = 'OPEN')::int AS open FROM retraining_events`,
    );

    const first = await repository.listPage(null, 2, null);
    expect(first.total).toBe(all);
    expect(first.rows.map((r) => r.id)).toEqual([ids[2], ids[1], ids[0]]);
    const second = await repository.listPage(null, 2, encodeCursor([ids[1]]));
    expect(second.rows[0].id).toBe(ids[0]);

    const openOnly = await repository.listPage('OPEN', 10, null);
    expect(openOnly.total).toBe(open);
    expect(openOnly.rows.every((r) => r.status === 'OPEN')).toBe(true);
    expect(openOnly.rows.slice(0, 3).map((r) => r.id)).toEqual([ids[2], ids[1], ids[0]]);

    await dataSource.transaction((m) => repository.resolveOpenForVersion(m, modelVersion, 'next'));
    const resolved = await repository.listPage('RESOLVED', 10, null);
    expect(
      resolved.rows
        .slice(0, 3)
        .map((r) => r.id)
        .sort(),
    ).toEqual([...ids].sort());

    await expect(repository.listPage(null, 2, encodeCursor(['not-a-uuid']))).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});
