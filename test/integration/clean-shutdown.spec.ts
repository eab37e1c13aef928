import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ingestMutation } from '../support/applications';
import { generatedRecords } from '../support/generated-data';
import { issueKeys } from '../support/keys';
import { SERVICE_NODE_FLAGS, spawnService } from '../support/process';
import { postGraphql } from '../support/service';
import { ALERT_CHANGED, connectWs } from '../support/ws-client';

jest.setTimeout(180_000);

const ROOT = resolve(__dirname, '..', '..');

function portOpen(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

interface LogLine {
  level?: string;
  msg?: string;
  [field: string]: unknown;
}

/** Every output line must be one JSON log object; anything else fails the test with the output. */
function parseLog(output: string): LogLine[] {
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as LogLine;
      } catch {
        throw new Error(`not a JSON log line: ${line}\n--- output ---\n${output}`);
      }
    });
}

/** The service stopped on its own embedded PostgreSQL: exit 0, no warning or error, "stopped" last. */
function expectCleanStop(code: number | null, output: string, signal: string): void {
  const lines = parseLog(output);
  const problems = lines.filter((line) => line.level === 'warn' || line.level === 'error');
  expect({ code, problems }).toEqual({ code: 0, problems: [] });
  expect(lines[lines.length - 1]).toMatchObject({ level: 'info', msg: 'stopped', signal, exitCode: 0, embeddedPostgres: 'stopped' });
}

/** One scored batch and one live subscription, so the pool and the alert listener hold connections. */
async function useTheService(url: string, env: Record<string, string>): Promise<() => Promise<void>> {
  const [ingest, viewer] = await issueKeys(env, [{ role: 'ingest' }, { role: 'viewer' }]);
  const ws = connectWs(url, viewer);
  const alerts = ws.subscribe(ALERT_CHANGED);
  const result = await postGraphql<{ ingestBatch: { predictions: unknown[] } }>(
    url,
    ingestMutation('predictions { probability }'),
    { input: { batchId: 'before-shutdown', records: generatedRecords(200, 11, 'larger_loans', 0.8) } },
    ingest,
  );
  expect(result.errors).toBeUndefined();
  expect(result.data!.ingestBatch.predictions).toHaveLength(200);
  // The drifting batch opens alerts, which reach the subscription through the LISTEN connection.
  await alerts.waitFor(1);
  return () => ws.dispose();
}

describe('clean shutdown on embedded PostgreSQL', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  function embeddedEnv(): Record<string, string> {
    const dir = mkdtempSync(join(tmpdir(), 'credit-monitor-shutdown-'));
    chmodSync(dir, 0o755); // PostgreSQL runs as the `postgres` user when the tests run as root
    dirs.push(dir);
    const port = 45_000 + Math.floor(Math.random() * 5_000);
    return { EMBEDDED_PG_DIR: join(dir, 'pg'), EMBEDDED_PG_PORT: String(port) };
  }

  it('SIGTERM closes every connection before PostgreSQL stops, logs "stopped" last and exits 0', async () => {
    const env = embeddedEnv();
    const service = await spawnService(env);
    const closeWs = await useTheService(service.url, env);
    const code = await service.stop();
    await closeWs();
    expectCleanStop(code, service.output(), 'SIGTERM');
    expect(await portOpen(Number(env.EMBEDDED_PG_PORT))).toBe(false);
  });

  it('Ctrl-C in a terminal (SIGINT to the whole process group) stops just as cleanly', async () => {
    const env = embeddedEnv();
    // The service leads a process group of its own, as a shell's foreground job does; the
    // terminal's SIGINT goes to every process in that group, PostgreSQL included unless the
    // service keeps it out of the group.
    const child: ChildProcess = spawn(process.execPath, [...SERVICE_NODE_FLAGS, '-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
      cwd: ROOT,
      env: { ...withoutDatabaseUrl(process.env), NODE_ENV: 'test', LOG_LEVEL: 'info', PORT: '0', HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    try {
      const url = await waitFor(
        () => /"msg":"service listening","url":"([^"]+)"/.exec(output)?.[1],
        () => output,
      );
      const closeWs = await useTheService(url, env);
      process.kill(-child.pid!, 'SIGINT');
      const code = await exited;
      await closeWs();
      expectCleanStop(code, output, 'SIGINT');
      expect(await portOpen(Number(env.EMBEDDED_PG_PORT))).toBe(false);
    } finally {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
    }
  });
});

function withoutDatabaseUrl(env: NodeJS.ProcessEnv): Record<string, string> {
  const copy = { ...env } as Record<string, string>;
  delete copy.DATABASE_URL;
  return copy;
}

async function waitFor<T>(probe: () => T | undefined, output: () => string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`service did not start in ${timeoutMs} ms:\n${output()}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}
