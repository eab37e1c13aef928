import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface OwnedPostgres {
  url: string;
  /** Stops the server (fast shutdown) and waits until it is down. */
  stop(): Promise<void>;
}

/** Starts an embedded PostgreSQL in a child process (see embedded-server-process.ts). */
export function startOwnedPostgres(dataDir: string, port: number): Promise<OwnedPostgres> {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', 'test/support/embedded-server-process.ts', dataDir, String(port)],
    {
      cwd: resolve(__dirname, '..', '..'),
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const exited = new Promise<void>((done) => child.on('exit', () => done()));
  return new Promise((resolveStart, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /ready (\S+)/.exec(output);
      if (ready) {
        resolveStart({
          url: ready[1],
          stop: async () => {
            child.stdin!.end('stop\n');
            await exited;
          },
        });
      }
    });
    void exited.then(() => reject(new Error(`embedded PostgreSQL process exited before it was ready:\n${output}`)));
  });
}

/**
 * Stops a PostgreSQL still running from `dataDir` (its pid is the first line of postmaster.pid),
 * for a test's cleanup after a failure: the embedded server runs detached, in a process group of
 * its own, so killing the service's group misses it. Fast shutdown, then immediate, then SIGKILL,
 * 10 s apart.
 * Returns whether one was running.
 */
export async function stopLeftoverPostgres(dataDir: string): Promise<boolean> {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return false; // never started, or stopped cleanly (the server removes the file)
  }
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return false;
  for (const signal of ['SIGINT', 'SIGQUIT', 'SIGKILL'] as const) {
    if (!alive(pid)) break;
    process.kill(pid, signal);
    const deadline = Date.now() + 10_000;
    while (alive(pid) && Date.now() < deadline) await new Promise((done) => setTimeout(done, 100));
  }
  return true;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
