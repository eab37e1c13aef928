import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';
import { resolve } from 'node:path';

export interface ServiceProcess {
  url: string;
  process: ChildProcess;
  output(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

const ROOT = resolve(__dirname, '..', '..');

/**
 * Runs src/main.ts as its own Node process (as `npm start` would, without the build step), and
 * waits for its "service listening" log line.
 */
/**
 * Node flags the service runs with in production (package.json start script, Dockerfile): a larger
 * young generation makes the short-lived objects of a big batch cheaper to collect.
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=64'];

/** The environment a service child process starts with: the test's own, then `env` on top. */
export function serviceChildEnv(env: Record<string, string>): Record<string, string> {
  return {
    ...(process.env as Record<string, string>),
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    PORT: '0',
    HOST: '127.0.0.1',
    ...env,
  };
}

export function spawnService(
  env: Record<string, string>,
  timeoutMs = 60_000,
  options: { compiled?: boolean } = {},
): Promise<ServiceProcess> {
  const childEnv = serviceChildEnv(env);
  if (!('DATABASE_URL' in env)) delete childEnv.DATABASE_URL;
  // compiled: the built dist/ as `npm start` runs it (benchmarks measure what production runs).
  const entry = options.compiled ? ['dist/src/main.js'] : ['-r', 'ts-node/register/transpile-only', 'src/main.ts'];
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, ...entry], {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /"msg":"service listening","url":"([^"]+)"/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolvePromise({
          url: match[1],
          process: child,
          output: () => output,
          stop: async () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with code ${code} before listening:\n${output}`));
    });
  });
}

export interface CapturedRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end with `input` on stdin; resolves with its exit code and all of its output. */
export function runCaptured(command: string, args: string[], options: SpawnOptions = {}, input = ''): Promise<CapturedRun> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { ...options, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin!.end(input);
  });
}
