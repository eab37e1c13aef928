import type { LoggerService } from '@nestjs/common';
import { TransferListItem, Worker } from 'node:worker_threads';
import { WorkerCrashedError, WorkerPoolClosedError, WorkerQueueFullError } from './worker.errors';
import { deserializeError, RunMessage, TaskProgress, WorkerMessage } from './worker-task';

/**
 * A small pool of worker threads for CPU-heavy work (training, cross-validation, window checks
 * computed in Node), so that it never runs on the serving event loop.
 *
 *   // owner: a Nest provider, closed in onModuleDestroy
 *   const pool = new WorkerPool({
 *     name: 'challenger-training',
 *     script: join(__dirname, 'challenger-training.worker' + extname(__filename)),
 *     size: config.workers.threads, maxQueued: config.workers.queueLimit, logger,
 *   });
 *   pool.assertCapacity();   // optional: refuse before reading a big input
 *   const output = await pool.run<Input, Output>('train', input, { transfer: [column.buffer], onProgress });
 *   await pool.close();
 *
 *   // worker module (challenger-training.worker.ts): serveTasks({ train: async (input, progress) => ... })
 *
 * - Workers start lazily, at most `size` of them, and stay alive between tasks (idle workers are
 *   unref'd: they never keep the process from exiting). Each runs one task at a time.
 * - Tasks wait in a FIFO queue of at most `maxQueued`; beyond it `run` rejects at once with
 *   WorkerQueueFullError (API code SERVICE_BUSY): nothing was started and the caller may retry.
 * - A task's error is re-thrown to the caller with its name, message and stack; a DomainError
 *   thrown in the worker comes back as a DomainError with the same code and details.
 * - A worker that crashes or exits rejects its task with WorkerCrashedError and is replaced by a
 *   fresh one for the next task.
 * - Progress reports go to `onProgress` (each one) and to the log at info level (throttled per
 *   task to one line per `progressLogIntervalMs`, plus the first).
 * - `close()` terminates the workers and rejects running and queued tasks with WorkerPoolClosedError.
 *
 * `script` is an absolute path. Build it from the calling module's own file name, as above, so it
 * is the `.ts` source under ts-jest / ts-node and the compiled `.js` under dist; a `.ts` worker is
 * started with ts-node's transpile-only hook (a devDependency that dist never needs).
 */

export type PoolLogger = Pick<LoggerService, 'log' | 'warn' | 'error'>;

export interface WorkerPoolOptions {
  /** Names the pool in logs and errors. */
  name: string;
  /** Absolute path of the worker module (one that calls serveTasks). */
  script: string;
  /** Most workers running at once. Default 1. */
  size?: number;
  /** Most tasks waiting for a worker; beyond it run() rejects with WorkerQueueFullError. Default 4. */
  maxQueued?: number;
  logger?: PoolLogger;
  /** Least time between two progress log lines of one task. Default 1000 ms. */
  progressLogIntervalMs?: number;
}

export interface RunOptions {
  /** Buffers moved to the worker instead of copied (they are detached in the caller afterwards). */
  transfer?: TransferListItem[];
  /** Every progress report of this task, unthrottled. */
  onProgress?: (progress: TaskProgress) => void;
}

export interface WorkerPoolStats {
  workers: number;
  running: number;
  queued: number;
}

interface Job {
  id: number;
  task: string;
  input: unknown;
  options: RunOptions;
  resolve: (output: never) => void;
  reject: (error: Error) => void;
  lastProgressLog: number;
}

interface Slot {
  worker: Worker;
  job: Job | null;
  /** Set once the worker failed; its 'exit' then only cleans up. */
  gone: boolean;
}

export class WorkerPool {
  readonly name: string;
  private readonly script: string;
  private readonly size: number;
  private readonly maxQueued: number;
  private readonly logger: PoolLogger | undefined;
  private readonly progressLogIntervalMs: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(options: WorkerPoolOptions) {
    if (!Number.isInteger(options.size ?? 1) || (options.size ?? 1) < 1) throw new RangeError(`worker pool size must be an integer >= 1`);
    if (!Number.isInteger(options.maxQueued ?? 4) || (options.maxQueued ?? 4) < 0) {
      throw new RangeError(`worker pool maxQueued must be an integer >= 0`);
    }
    this.name = options.name;
    this.script = options.script;
    this.size = options.size ?? 1;
    this.maxQueued = options.maxQueued ?? 4;
    this.logger = options.logger;
    this.progressLogIntervalMs = options.progressLogIntervalMs ?? 1000;
  }

  /** Runs `task` in a worker; resolves with the handler's output. */
  run<I, O>(task: string, input: I, options: RunOptions = {}): Promise<O> {
    if (this.closed) return Promise.reject(new WorkerPoolClosedError(this.name, task));
    return new Promise<O>((resolve, reject) => {
      const job: Job = {
        id: this.nextId++,
        task,
        input,
        options,
        resolve: resolve as (output: never) => void,
        reject,
        lastProgressLog: -Infinity,
      };
      const slot = this.freeSlot();
      if (slot) {
        this.start(slot, job);
        return;
      }
      if (this.queue.length >= this.maxQueued) {
        reject(new WorkerQueueFullError(this.name, this.running(), this.queue.length, this.maxQueued));
        return;
      }
      this.queue.push(job);
    });
  }

  /**
   * Throws WorkerQueueFullError now when run() would refuse a task, so a caller can refuse
   * before it reads the task's input (a later run() may still be refused if others came first).
   */
  assertCapacity(): void {
    const free = this.slots.some((slot) => slot.job === null && !slot.gone) || this.slots.length < this.size;
    if (!free && this.queue.length >= this.maxQueued) {
      throw new WorkerQueueFullError(this.name, this.running(), this.queue.length, this.maxQueued);
    }
  }

  stats(): WorkerPoolStats {
    return { workers: this.slots.length, running: this.running(), queued: this.queue.length };
  }

  /** Terminates every worker; running and queued tasks reject with WorkerPoolClosedError. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new WorkerPoolClosedError(this.name, job.task));
    const slots = this.slots.splice(0);
    await Promise.all(
      slots.map(async (slot) => {
        slot.gone = true;
        const job = slot.job;
        slot.job = null;
        job?.reject(new WorkerPoolClosedError(this.name, job.task));
        await slot.worker.terminate();
      }),
    );
  }

  private running(): number {
    return this.slots.filter((slot) => slot.job !== null).length;
  }

  /** An idle worker, or a new one while the pool is below its size. */
  private freeSlot(): Slot | null {
    const idle = this.slots.find((slot) => slot.job === null && !slot.gone);
    if (idle) return idle;
    if (this.slots.length >= this.size) return null;
    return this.spawn();
  }

  private spawn(): Slot {
    // Under ts-jest/ts-node the script is TypeScript: let the worker compile it the same way. The
    // hook is resolved here so it is found whatever the working directory; dist never takes this path.
    const execArgv = this.script.endsWith('.ts') ? ['-r', require.resolve('ts-node/register/transpile-only')] : [];
    const worker = new Worker(this.script, { execArgv });
    const slot: Slot = { worker, job: null, gone: false };
    worker.on('message', (message: WorkerMessage) => this.onMessage(slot, message));
    worker.on('error', (error: Error) => this.onFailure(slot, `crashed: ${error.message}`, error));
    // A result that cannot be deserialised would otherwise leave its task waiting forever: treat
    // the worker as failed (its task rejects, a fresh worker takes the next one).
    worker.on('messageerror', (error: Error) => this.onFailure(slot, `sent a message that could not be read: ${error.message}`, error));
    worker.on('exit', (code: number) => this.onFailure(slot, `exited with code ${code}`));
    this.slots.push(slot);
    return slot;
  }

  private start(slot: Slot, job: Job): void {
    slot.job = job;
    slot.worker.ref();
    const message: RunMessage = { type: 'run', id: job.id, task: job.task, input: job.input };
    try {
      slot.worker.postMessage(message, job.options.transfer ?? []);
    } catch (error) {
      // An input that cannot be cloned (or a bad transfer list): this task's fault, not the worker's.
      slot.job = null;
      slot.worker.unref();
      job.reject(error as Error);
      this.next();
    }
  }

  private onMessage(slot: Slot, message: WorkerMessage): void {
    const job = slot.job;
    if (!job || message.id !== job.id) return;
    if (message.type === 'progress') {
      this.progress(job, message.progress);
      return;
    }
    slot.job = null;
    slot.worker.unref();
    if (message.type === 'result') job.resolve(message.output as never);
    else job.reject(deserializeError(message.error));
    this.next();
  }

  private onFailure(slot: Slot, why: string, error?: Error): void {
    if (slot.gone) return;
    slot.gone = true;
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    const job = slot.job;
    slot.job = null;
    if (this.closed) return;
    this.logger?.error({ msg: 'worker failed', pool: this.name, task: job?.task ?? null, why, stack: error?.stack });
    if (job) job.reject(new WorkerCrashedError(this.name, job.task, why));
    // 'error' is followed by 'exit'; make sure a dead worker cannot linger.
    if (error) void slot.worker.terminate();
    this.next();
  }

  private progress(job: Job, progress: TaskProgress): void {
    try {
      job.options.onProgress?.(progress);
    } catch (error) {
      this.logger?.warn({ msg: 'progress callback failed', pool: this.name, task: job.task, error: String(error) });
    }
    const now = performance.now();
    if (now - job.lastProgressLog < this.progressLogIntervalMs) return;
    job.lastProgressLog = now;
    this.logger?.log({ msg: `${this.name} progress`, pool: this.name, task: job.task, ...progress });
  }

  /** Hands the oldest queued task to a free worker (a crashed worker's replacement starts here). */
  private next(): void {
    while (!this.closed && this.queue.length > 0) {
      const slot = this.freeSlot();
      if (!slot) return;
      this.start(slot, this.queue.shift()!);
    }
  }
}
