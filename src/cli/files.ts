import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync, WriteStream } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CliFailure } from './command';

/**
 * A file of the project (the shipped artifact, package.json), found from both src/cli (ts-node)
 * and dist/src/cli (build), so the CLI works from any working directory.
 */
function projectFile(...path: string[]): string {
  const candidates = [resolve(__dirname, '..', '..', ...path), resolve(__dirname, '..', '..', '..', ...path)];
  return candidates.find((candidate) => existsSync(candidate)) ?? candidates[0];
}

export const DEFAULT_MODEL_PATH = projectFile('artifacts', 'model.json');

/** The version in package.json (`credit-monitor --version`). */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(projectFile('package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Writes a whole output file, creating its folder (e.g. out/) if missing. With `overwrite: false`
 * an existing file is kept and the command fails, naming the file and --force.
 */
export function writeOutputFile(path: string, text: string, options: { overwrite?: boolean } = {}): void {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  try {
    writeFileSync(path, text, { flag: options.overwrite === false ? 'wx' : 'w' });
  } catch (error) {
    if ((error as { code?: string }).code === 'EEXIST') throw new CliFailure(`${path} exists; pass --force to overwrite it`);
    throw new CliFailure(`cannot write ${path}: ${(error as Error).message}`);
  }
}

export function requireReadableFile(path: string, what: string): void {
  if (!existsSync(path)) throw new CliFailure(`${what} ${path} does not exist`);
}

/** SHA-256 (hex) of a file, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A text file written in pieces with back-pressure, so output of any size uses bounded memory. */
export class TextFileWriter {
  private readonly stream: WriteStream;
  private failure: Error | null = null;

  constructor(readonly path: string) {
    mkdirSync(dirname(resolve(path)), { recursive: true });
    this.stream = createWriteStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
    this.stream.on('error', (error) => (this.failure = error));
  }

  async write(text: string): Promise<void> {
    if (this.failure) throw new CliFailure(`cannot write ${this.path}: ${this.failure.message}`);
    if (!this.stream.write(text)) {
      await new Promise<void>((resolveDrain, reject) => {
        const onError = (error: Error): void => reject(new CliFailure(`cannot write ${this.path}: ${error.message}`));
        this.stream.once('error', onError);
        this.stream.once('drain', () => {
          this.stream.off('error', onError);
          resolveDrain();
        });
      });
    }
  }

  async close(): Promise<void> {
    await new Promise<void>((resolveClose, reject) => {
      this.stream.end((error?: Error | null) =>
        error ? reject(new CliFailure(`cannot write ${this.path}: ${error.message}`)) : resolveClose(),
      );
    });
    if (this.failure) throw new CliFailure(`cannot write ${this.path}: ${this.failure.message}`);
  }
}

export function printJson(stdout: (text: string) => void, value: unknown): void {
  stdout(`${JSON.stringify(value, null, 2)}\n`);
}
