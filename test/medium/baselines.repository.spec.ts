import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { BaselinesRepository, BaselineSummary, NewBaseline } from '../../src/baselines/baselines.repository';
import { BaselinesService } from '../../src/baselines/baselines.service';
import { LOCK_KEYS, lockForTransaction } from '../../src/database/advisory-locks';
import { BASELINE_PROFILE_VERSION } from '../../src/drift-engine/profile-types';
import { AuditService } from '../../src/security/audit.service';
import { systemCaller } from '../../src/security/caller';
import { useMigratedDatabase } from '../support/medium-database';

/**
 * Medium tier: the baselines repository (and BaselinesService's version numbering and activation
 * on top of it) on a real PostgreSQL. At most one version is active, so every test first creates
 * the versions it needs and then asserts only on the state its own steps produced.
 */
describe('BaselinesRepository (real PostgreSQL)', () => {
  const db = useMigratedDatabase([
    { provide: AuditService, useValue: { record: async () => undefined } },
    BaselinesRepository,
    BaselinesService,
  ]);
  let dataSource: DataSource;
  let repository: BaselinesRepository;

  const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

  function profile(rowCount: number): NewBaseline['profile'] {
    return { version: BASELINE_PROFILE_VERSION, rowCount, sampleLimit: 100, columns: {}, modelVersion: unique('model') };
  }

  /** What BaselinesService.createVersion does: under the baseline lock, the next version becomes the only active one. */
  async function createActive(rowCount = 10): Promise<BaselineSummary & { profile: NewBaseline['profile'] }> {
    const name = unique('baseline');
    const p = profile(rowCount);
    const created = await dataSource.transaction(async (m: EntityManager) => {
      await lockForTransaction(m, LOCK_KEYS.baselines);
      const version = await repository.nextVersion(m);
      await repository.deactivateAll(m);
      return repository.insertActive(m, { version, name, source: 'csv:test.csv', rowCount, profile: p });
    });
    return { ...created, profile: p };
  }

  beforeAll(() => {
    dataSource = db.dataSource;
    repository = db.get(BaselinesRepository);
  });

  it('numbers versions one after another and makes the new one the only active version', async () => {
    const countBefore = await repository.count();
    const first = await createActive(10);
    const second = await createActive(20);
    expect(second.version).toBe(first.version + 1);
    expect(second).toEqual({
      id: expect.any(String),
      version: second.version,
      name: second.name,
      source: 'csv:test.csv',
      rowCount: 20,
      isActive: true,
      createdAt: expect.any(Date),
      profile: second.profile,
    });
    expect(await repository.count()).toBe(countBefore + 2);
    expect(await repository.findActive()).toEqual({ ...second, profile: undefined, isActive: true });
    expect(await repository.findByVersion(dataSource.manager, first.version)).toMatchObject({ id: first.id, isActive: false });
    expect(await repository.activeKey()).toEqual({ id: second.id, version: second.version });
    expect(await repository.profile(dataSource.manager, second.id)).toEqual(second.profile);

    const listed = await repository.list();
    expect(listed.map((b) => b.version)).toEqual([...listed.map((b) => b.version)].sort((a, b) => b - a));
    expect(listed.filter((b) => b.isActive)).toEqual([expect.objectContaining({ id: second.id })]);
    expect(listed[0]).not.toHaveProperty('profile');
  });

  it('activates an older version (rollback): deactivate, then mark; marking without deactivating breaks the one-active rule', async () => {
    const old = await createActive();
    const current = await createActive();
    await expect(dataSource.transaction((m) => repository.markActive(m, old.version))).rejects.toThrow(/baselines_one_active/);

    await dataSource.transaction(async (m) => {
      await repository.deactivateAll(m);
      await repository.markActive(m, old.version);
    });
    expect((await repository.findActive())?.id).toBe(old.id);
    expect((await repository.findByVersion(dataSource.manager, current.version))?.isActive).toBe(false);
    expect(await repository.findByVersion(dataSource.manager, 1_000_000)).toBeNull();
  });

  it('BaselinesService: createVersion profiles the columns, activate rolls back, active() follows it', async () => {
    const service = db.get(BaselinesService);
    const columns = {
      age: Float64Array.from([30, 40, 50, 60]),
      prediction: Float64Array.from([0.1, 0.2, 0.3, 0.4]),
    };
    const created = await service.createVersion(columns, { name: unique('service'), source: 'csv:service.csv', modelVersion: 'model-x' });
    expect(created).toMatchObject({ isActive: true, rowCount: 4, source: 'csv:service.csv' });
    expect(await service.activeEntity()).toEqual(created);
    const active = await service.active();
    expect(active).toMatchObject({ id: created.id, version: created.version, profile: { rowCount: 4, modelVersion: 'model-x' } });

    const older = await createActive();
    const newer = await service.createVersion(columns, { name: unique('service'), source: 'csv:service.csv', modelVersion: null });
    const activated = await service.activate(older.version, systemCaller('medium-test'));
    expect(activated).toMatchObject({ id: older.id, isActive: true });
    expect((await service.active())?.id).toBe(older.id);
    expect((await repository.findByVersion(dataSource.manager, newer.version))?.isActive).toBe(false);
  });
});
