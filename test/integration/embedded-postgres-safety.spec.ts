import { chmodSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { OwnedPostgres, startOwnedPostgres } from '../support/embedded-server';
import { freePort } from '../support/ports';

jest.setTimeout(120_000);

/**
 * startEmbeddedPostgres must only reuse a server on its port when that server runs from its own
 * data folder. The servers here are real: startOwnedPostgres runs startEmbeddedPostgres in a child
 * process (jest's sandbox cannot load the embedded-postgres ES module); the calls under test run
 * in-process and must decide before ever loading it.
 */

const tempDirs: string[] = [];
const servers: OwnedPostgres[] = [];
const tcpServers: Server[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'credit-monitor-pg-safety-'));
  // initdb runs as the unprivileged postgres user, which must be able to enter the folder.
  chmodSync(dir, 0o755);
  tempDirs.push(dir);
  return dir;
}

async function startServer(dataDir: string, port: number): Promise<OwnedPostgres> {
  const server = await startOwnedPostgres(dataDir, port);
  servers.push(server);
  return server;
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function databaseNames(serverUrl: string): Promise<string[]> {
  return withClient(serverUrl, async (client) => {
    const result = await client.query<{ datname: string }>('SELECT datname FROM pg_database ORDER BY datname');
    return result.rows.map((row) => row.datname);
  });
}

function embeddedServerUrl(port: number): string {
  return `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
}

/** The port of DATABASE_URL when it names a PostgreSQL on this machine (CI: trust auth on 5432). */
function localDatabaseUrlPort(): number | null {
  if (!process.env.DATABASE_URL) return null;
  const url = new URL(process.env.DATABASE_URL);
  if (!['127.0.0.1', 'localhost'].includes(url.hostname)) return null;
  return Number(url.port || 5432);
}

afterAll(async () => {
  for (const server of servers) await server.stop();
  for (const tcp of tcpServers) await new Promise((done) => tcp.close(done));
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('startEmbeddedPostgres on a port that is already in use', () => {
  it('reuses its own server (same data folder, also spelt through a symlink) without owning it', async () => {
    const dir = tempDir();
    const port = await freePort();
    await startServer(join(dir, 'data'), port);
    symlinkSync(join(dir, 'data'), join(dir, 'link'));

    for (const dataDir of [join(dir, 'data'), join(dir, 'link')]) {
      const handle = await startEmbeddedPostgres(dataDir, port);
      expect(handle.owned).toBe(false);
      const one = await withClient(handle.url, (client) => client.query<{ one: number }>('SELECT 1 AS one'));
      expect(one.rows[0].one).toBe(1);
      await handle.stop(); // not ours to stop: the server must keep running
    }
    expect(await databaseNames(embeddedServerUrl(port))).toContain('credit_monitor');
  });

  it('refuses an embedded server from another data folder and creates nothing in it', async () => {
    const foreignDir = tempDir();
    const port = await freePort();
    const foreign = await startServer(join(foreignDir, 'data'), port);
    // Starting the foreign server created credit_monitor in it; drop it so we can see whether the
    // refused call creates it again.
    await withClient(embeddedServerUrl(port), (client) => client.query('DROP DATABASE credit_monitor'));
    const before = await databaseNames(embeddedServerUrl(port));

    const ourDir = join(tempDir(), 'data');
    const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    await expect(startEmbeddedPostgres(ourDir, port)).rejects.toThrow(
      new RegExp(
        `^EMBEDDED_PG_PORT ${port} is in use by another PostgreSQL \\(data directory ${escape(join(foreignDir, 'data'))}\\); ` +
          `the embedded server for ${escape(ourDir)} was not started\\. Choose another EMBEDDED_PG_PORT or set DATABASE_URL\\.$`,
      ),
    );

    expect(await databaseNames(foreign.url.replace(/credit_monitor$/, 'postgres'))).toEqual(before);
    expect(before).not.toContain('credit_monitor');
    expect(existsSync(ourDir)).toBe(false);
  });

  it('refuses a port held by a program that is not PostgreSQL', async () => {
    const port = await freePort();
    // Answers like a web server would, then hangs up (reading on, so it sees the client's close
    // and server.close() in afterAll can finish).
    const tcp = createServer((socket) => socket.resume().end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    tcpServers.push(tcp);
    await new Promise<void>((done) => tcp.listen(port, '127.0.0.1', done));

    const ourDir = join(tempDir(), 'data');
    await expect(startEmbeddedPostgres(ourDir, port)).rejects.toThrow(
      `EMBEDDED_PG_PORT ${port} is in use by a program that is not PostgreSQL`,
    );
    expect(existsSync(ourDir)).toBe(false);
  });

  const hostPort = localDatabaseUrlPort();
  // Only defined when DATABASE_URL names a PostgreSQL on this machine (as in CI).
  if (hostPort !== null) {
    it(`refuses the machine's own PostgreSQL on port ${hostPort} (DATABASE_URL) and creates no database there`, async () => {
      const adminUrl = new URL(process.env.DATABASE_URL!);
      adminUrl.pathname = '/postgres';
      const before = await databaseNames(adminUrl.toString());

      const ourDir = join(tempDir(), 'data');
      await expect(startEmbeddedPostgres(ourDir, hostPort)).rejects.toThrow(
        new RegExp(`^EMBEDDED_PG_PORT ${hostPort} is in use by another PostgreSQL \\(.+\\); the embedded server for .+ was not started\\.`),
      );

      expect(await databaseNames(adminUrl.toString())).toEqual(before);
      expect(existsSync(ourDir)).toBe(false);
    });
  }
});
