import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ingestMutation } from '../support/applications';
import { stopLeftoverPostgres } from '../support/embedded-server';
import { eventually } from '../support/eventually';
import { generatedRecords } from '../support/generated-data';
import { issueKeys } from '../support/keys';
import { freePort, portOpen } from '../support/ports';
import { SERVICE_NODE_FLAGS, serviceChildEnv } from '../support/process';
import { postGraphql } from '../support/service';
import { ALERT_CHANGED, connectWs } from '../support/ws-client';

jest.setTimeout(180_000);

const ROOT = resolve(__dirname, '..', '..');

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

interface Launched {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  /** Resolves with the line's first capture once the output has it. */
  waitForLog(pattern: RegExp, what: string): Promise<string>;
}

/**
 * Each test's embedded PostgreSQL (its own folder and a port that was just free) and every
 * process it started, so a failing test leaves nothing running: the launched processes' groups
 * are killed, and the detached PostgreSQL, out of those groups, is stopped through its pid file.
 */
const launched: ChildProcess[] = [];
const dataDirs: string[] = [];
const tempDirs: string[] = [];

afterEach(async () => {
  for (const child of launched.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
  }
  for (const dir of dataDirs.splice(0)) await stopLeftoverPostgres(dir);
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function embeddedEnv(): Promise<Record<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'credit-monitor-shutdown-'));
  chmodSync(dir, 0o755); // PostgreSQL runs as the `postgres` user when the tests run as root
  tempDirs.push(dir);
  dataDirs.push(join(dir, 'pg'));
  return { EMBEDDED_PG_DIR: join(dir, 'pg'), EMBEDDED_PG_PORT: String(await freePort()) };
}

/**
 * Runs a Node entry point (the service, or the CLI with `args`) without DATABASE_URL, leading a
 * process group of its own as a shell's foreground job does: a terminal's Ctrl-C is a SIGINT to
 * every process in that group, PostgreSQL included unless the service keeps it out of the group.
 */
function launch(entry: string, args: string[], env: Record<string, string>): Launched {
  const childEnv = serviceChildEnv(env);
  delete childEnv.DATABASE_URL;
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, '-r', 'ts-node/register/transpile-only', entry, ...args], {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  launched.push(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return {
    child,
    output: () => output,
    exited,
    waitForLog: (pattern, what) =>
      eventually(async () => pattern.exec(output)?.[1], { timeoutMs: 90_000, what: () => `${what}; output so far:\n${output}` }),
  };
}

const startService = (env: Record<string, string>): Launched => launch('src/main.ts', [], env);
const LISTENING = /"msg":"service listening","url":"([^"]+)"/;

describe('clean shutdown on embedded PostgreSQL', () => {
  it('SIGTERM closes every connection before PostgreSQL stops, logs "stopped" last and exits 0', async () => {
    const env = await embeddedEnv();
    const service = startService(env);
    const closeWs = await useTheService(await service.waitForLog(LISTENING, 'the service to listen'), env);
    service.child.kill('SIGTERM');
    const code = await service.exited;
    await closeWs();
    expectCleanStop(code, service.output(), 'SIGTERM');
    expect(await portOpen(Number(env.EMBEDDED_PG_PORT))).toBe(false);
  });

  it('Ctrl-C in a terminal (SIGINT to the whole process group) stops just as cleanly', async () => {
    const env = await embeddedEnv();
    const service = startService(env);
    const closeWs = await useTheService(await service.waitForLog(LISTENING, 'the service to listen'), env);
    process.kill(-service.child.pid!, 'SIGINT');
    const code = await service.exited;
    await closeWs();
    expectCleanStop(code, service.output(), 'SIGINT');
    expect(await portOpen(Number(env.EMBEDDED_PG_PORT))).toBe(false);
  });

  it('Ctrl-C during start (migrations, module init) still stops the embedded PostgreSQL cleanly', async () => {
    const env = await embeddedEnv();
    const service = startService(env);
    // Logged once the server runs, before the first migration of the fresh database.
    await service.waitForLog(/"msg":"(embedded PostgreSQL listening)/, 'the embedded PostgreSQL to listen');
    process.kill(-service.child.pid!, 'SIGINT');
    const code = await service.exited;
    expectCleanStop(code, service.output(), 'SIGINT');
    // The start that was under way finished, the service never served.
    expect(service.output()).not.toContain('"msg":"service listening"');
    expect(await portOpen(Number(env.EMBEDDED_PG_PORT))).toBe(false);
  });

  describe('when closing hangs (a client never finishes sending its request)', () => {
    /** A request whose body never completes: the HTTP server's close waits for it (up to Node's 5-minute request timeout). */
    async function hangingRequest(url: string): Promise<Socket> {
      const { port } = new URL(url);
      const socket = connect(Number(port), '127.0.0.1');
      await new Promise<void>((done, fail) => socket.once('connect', done).once('error', fail));
      socket.on('error', () => undefined);
      socket.write('POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"query"');
      return socket;
    }

    it('exits 1 at SHUTDOWN_TIMEOUT_MS, logging why, and PostgreSQL still stops', async () => {
      const env: Record<string, string> = { ...(await embeddedEnv()), SHUTDOWN_TIMEOUT_MS: '3000' };
      const service = startService(env);
      const socket = await hangingRequest(await service.waitForLog(LISTENING, 'the service to listen'));
      try {
        service.child.kill('SIGTERM');
        const code = await service.exited;
        const lines = parseLog(service.output());
        expect(code).toBe(1);
        expect(lines).toContainEqual(
          expect.objectContaining({ level: 'error', msg: 'shutdown did not finish in time; exiting without waiting' }),
        );
        expect(lines[lines.length - 1]).toMatchObject({ msg: 'stopped', exitCode: 1, embeddedPostgres: 'fast shutdown on exit' });
        // The exit hook's fast shutdown completes after the service is gone.
        await eventually(async () => !(await portOpen(Number(env.EMBEDDED_PG_PORT))), { what: 'the embedded PostgreSQL to stop' });
      } finally {
        socket.destroy();
      }
    });

    it('a second signal exits at once with 128 + its number, and PostgreSQL still stops', async () => {
      const env = await embeddedEnv();
      const service = startService(env);
      const socket = await hangingRequest(await service.waitForLog(LISTENING, 'the service to listen'));
      try {
        service.child.kill('SIGTERM');
        await service.waitForLog(/"msg":"(shutting down)"/, 'the shutdown to begin');
        service.child.kill('SIGINT');
        expect(await service.exited).toBe(130);
        expect(parseLog(service.output())).toContainEqual(
          expect.objectContaining({ level: 'warn', msg: 'second signal during shutdown: exiting without waiting', signal: 'SIGINT' }),
        );
        await eventually(async () => !(await portOpen(Number(env.EMBEDDED_PG_PORT))), { what: 'the embedded PostgreSQL to stop' });
      } finally {
        socket.destroy();
      }
    });
  });
});

describe('Ctrl-C in the keys CLI on embedded PostgreSQL', () => {
  it('interrupting the first migration of a fresh database exits 130, stops PostgreSQL and leaves the database usable', async () => {
    const env = await embeddedEnv();
    const port = Number(env.EMBEDDED_PG_PORT);
    const cli = launch('src/cli/main.ts', ['keys', 'list'], env);
    // The CLI started the server (after initdb); creating the database and migrating it follow.
    await eventually(() => portOpen(port), { timeoutMs: 90_000, what: () => `the CLI's PostgreSQL to listen; output:\n${cli.output()}` });
    process.kill(-cli.child.pid!, 'SIGINT');
    expect({ code: await cli.exited, output: cli.output().trim() }).toEqual({
      code: 130,
      output: 'credit-monitor keys list: interrupted by SIGINT',
    });
    expect(await portOpen(port)).toBe(false);
    expect(await stopLeftoverPostgres(env.EMBEDDED_PG_DIR)).toBe(false);

    // Whatever the interruption cut short was rolled back: the next run migrates and answers.
    const again = launch('src/cli/main.ts', ['keys', 'list'], env);
    expect({ code: await again.exited, output: again.output().trim() }).toEqual({ code: 0, output: '[]' });
    expect(await portOpen(port)).toBe(false);
  });
});
