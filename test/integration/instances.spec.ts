import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS } from '../../migrations';
import { applications, INGEST_MUTATION } from '../support/applications';
import { createTestDatabase, sqlClient } from '../support/database';
import { issueKeys } from '../support/keys';
import { freePort, portOpen } from '../support/ports';
import { ServiceProcess, spawnService } from '../support/process';
import { postGraphql } from '../support/service';

jest.setTimeout(180_000);

describe('service processes', () => {
  it('three instances started at once on an empty database are all healthy and apply each migration once', async () => {
    const db = await createTestDatabase();
    const instances: ServiceProcess[] = [];
    try {
      instances.push(...(await Promise.all([1, 2, 3].map(() => spawnService({ DATABASE_URL: db.url })))));
      for (const instance of instances) {
        const health = await fetch(`${instance.url}/health`);
        expect(health.status).toBe(200);
      }
      const sql = await sqlClient(db.url);
      const applied = await sql.query(`SELECT name, count(*)::int AS n FROM typeorm_migrations GROUP BY name`);
      const models = await sql.query(`SELECT count(*)::int AS n FROM model_versions WHERE status = 'ACTIVE'`);
      await sql.end();
      expect(applied.rows).toHaveLength(MIGRATIONS.length);
      applied.rows.forEach((row) => expect(row.n).toBe(1));
      expect(models.rows[0].n).toBe(1);
      const migrationLogs = instances.filter((i) => i.output().includes('"msg":"migrations applied"'));
      expect(migrationLogs).toHaveLength(1);
    } finally {
      for (const instance of instances) await instance.stop();
      await db.drop();
    }
  });

  it('with no DATABASE_URL runs on embedded PostgreSQL, stops it cleanly, and keeps history across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'credit-monitor-embedded-'));
    chmodSync(dir, 0o755);
    const port = await freePort();
    const env = { EMBEDDED_PG_DIR: join(dir, 'pg'), EMBEDDED_PG_PORT: String(port) };
    try {
      const first = await spawnService(env);
      const [ingest, viewer] = await issueKeys(env, [{ role: 'ingest' }, { role: 'viewer' }]);
      const ingested = await postGraphql<{ ingestBatch: { batchId: string } }>(
        first.url,
        INGEST_MUTATION,
        { input: { batchId: 'survives-restart', records: applications(10) } },
        ingest,
      );
      expect(ingested.errors).toBeUndefined();
      expect(await first.stop()).toBe(0);
      expect(await portOpen(port)).toBe(false);

      const second = await spawnService(env);
      const batch = await postGraphql<{ batch: { size: number } }>(
        second.url,
        `{ batch(batchId: "survives-restart") { size } }`,
        undefined,
        viewer,
      );
      expect(batch.data!.batch.size).toBe(10);
      expect(await second.stop()).toBe(0);
      expect(await portOpen(port)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start with a bad configuration value, naming the variable', async () => {
    await expect(spawnService({ MAX_BATCH_SIZE: 'lots', DATABASE_URL: 'postgres://x@127.0.0.1:1/none' }, 30_000)).rejects.toThrow(
      /MAX_BATCH_SIZE="lots": .*MAX_BATCH_SIZE must be an integer/,
    );
  });
});
