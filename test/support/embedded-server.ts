import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

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
