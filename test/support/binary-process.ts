import { ChildProcess, spawn } from 'node:child_process';
import { eventually } from './eventually';

/** A real binary (Prometheus, Alertmanager) started by a test. */
export interface RunningBinary {
  readonly child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far (for failure messages). */
  output(): string;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

export interface BinaryOptions {
  command: string;
  args: string[];
  /** Named in errors, e.g. "Alertmanager on port 9093". */
  what: string;
  /** Resolves true once the binary serves (e.g. its /-/ready endpoint answers 200); may throw while it starts. */
  ready: () => Promise<boolean>;
  readyTimeoutMs?: number;
}

/**
 * Spawns `command`, collects its output, and waits until `ready()` says it serves. If it exits
 * first, or is not ready in time, it is stopped and the error carries its output.
 */
export async function startBinary(options: BinaryOptions): Promise<RunningBinary> {
  const child = spawn(options.command, options.args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawnFailed = new Promise<never>((_, reject) => child.once('error', reject));

  const stop = async (graceMs = 10_000): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };

  const exitedEarly = exited.then(() => {
    throw new Error(`${options.what}: exited (code ${child.exitCode}, signal ${child.signalCode}) before it was ready:\n${output}`);
  });
  try {
    await Promise.race([
      eventually(() => options.ready(), {
        timeoutMs: options.readyTimeoutMs ?? 30_000,
        intervalMs: 100,
        what: () => `${options.what} to be ready; its output:\n${output}`,
      }),
      exitedEarly,
      spawnFailed,
    ]);
  } catch (error) {
    await stop(2_000);
    throw error;
  }
  // Later exits are the test's business (stop); this only kept the race from leaving a rejection unhandled.
  exitedEarly.catch(() => undefined);
  spawnFailed.catch(() => undefined);
  return { child, output: () => output, stop };
}
