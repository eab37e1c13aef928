import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';

/**
 * A scratch database for a benchmark: on the server DATABASE_URL names, or on an embedded
 * PostgreSQL started for the run (same rule as the tests).
 */
export async function benchDatabase(): Promise<{ url: string; close(): Promise<void> }> {
  let serverUrl = process.env.DATABASE_URL;
  let stopServer = async (): Promise<void> => undefined;
  if (!serverUrl) {
    const dir = mkdtempSync(join(tmpdir(), 'credit-monitor-bench-pg-'));
    chmodSync(dir, 0o755);
    const embedded = await startEmbeddedPostgres(join(dir, 'data'), 56_000 + Math.floor(Math.random() * 4_000));
    serverUrl = embedded.url;
    stopServer = async () => {
      await embedded.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  const name = `cm_bench_${Date.now()}`;
  const admin = new URL(serverUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    close: async () => {
      const c = new Client({ connectionString: admin.toString() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
      await stopServer();
    },
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}
