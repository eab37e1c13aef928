import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { freePort } from './ports';

/**
 * Tests run against a real PostgreSQL: the one DATABASE_URL names (CI points it at the local
 * server), or else an embedded server started here for the whole run. Each test file then
 * creates its own database on that server (test/support/database.ts).
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) {
    process.env.TEST_PG_URL = process.env.DATABASE_URL;
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'credit-monitor-test-pg-'));
  // initdb runs as the unprivileged postgres user, which must be able to enter the folder.
  chmodSync(dir, 0o755);
  // A port the OS reports free now: a random pick collided with a listener once ("Address already in use").
  const port = await freePort();
  const handle = await startEmbeddedPostgres(join(dir, 'data'), port);
  (globalThis as { __EMBEDDED_PG__?: typeof handle }).__EMBEDDED_PG__ = handle;
  process.env.TEST_PG_URL = handle.url;
}
