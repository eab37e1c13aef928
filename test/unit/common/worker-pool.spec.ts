import { join } from 'node:path';
import { DomainError } from '../../../src/common/errors/domain-error';
import { WorkerCrashedError, WorkerPoolClosedError, WorkerQueueFullError } from '../../../src/common/workers/worker.errors';
import { PoolLogger, WorkerPool } from '../../../src/common/workers/worker-pool';
import { TaskProgress, transferListOf } from '../../../src/common/workers/worker-task';

// Real worker threads running a TypeScript worker through ts-node (as the service's own under ts-jest).
jest.setTimeout(60_000);

const SCRIPT = join(__dirname, '../../support/pool-test.worker.ts');

interface LogLine {
  level: 'log' | 'warn' | 'error';
  entry: Record<string, unknown>;
}

function recordingLogger(lines: LogLine[]): PoolLogger {
  return {
    log: (entry: Record<string, unknown>) => lines.push({ level: 'log', entry }),
    warn: (entry: Record<string, unknown>) => lines.push({ level: 'warn', entry }),
    error: (entry: Record<string, unknown>) => lines.push({ level: 'error', entry }),
  };
}

/** A latch a `hold` task waits on in its worker until release() (shared memory, no timers). */
function gate(): { gate: Int32Array; release(): void } {
  const shared = new Int32Array(new SharedArrayBuffer(4));
  return {
    gate: shared,
    release: () => {
      Atomics.store(shared, 0, 1);
      Atomics.notify(shared, 0);
    },
  };
}

/** Resolves once `task` reported progress (i.e. it is running in a worker). */
function holding(pool: WorkerPool, label: string, latch: { gate: Int32Array }): { done: Promise<string>; started: Promise<void> } {
  let started!: () => void;
  const startedPromise = new Promise<void>((resolve) => (started = resolve));
  const done = pool.run<{ gate: Int32Array; label: string }, string>('hold', { gate: latch.gate, label }, { onProgress: () => started() });
  return { done, started: startedPromise };
}

describe('WorkerPool (real worker threads)', () => {
  const pools: WorkerPool[] = [];
  const lines: LogLine[] = [];
  function pool(options: { size?: number; maxQueued?: number } = {}): WorkerPool {
    const created = new WorkerPool({ name: 'test-pool', script: SCRIPT, logger: recordingLogger(lines), ...options });
    pools.push(created);
    return created;
  }
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.close()));
    lines.length = 0;
  });

  it('runs tasks in a worker started on first use and kept for the next task', async () => {
    const p = pool();
    expect(p.stats()).toEqual({ workers: 0, running: 0, queued: 0 });
    const value = { nested: { at: new Date('2024-01-01T00:00:00Z'), nan: Number.NaN, list: [1, 2, 3] } };
    expect(await p.run('echo', value)).toEqual(value);
    const first = await p.run<void, number>('threadId', undefined);
    const second = await p.run<void, number>('threadId', undefined);
    expect(first).toBe(second);
    expect(first).not.toBe(0);
    expect(p.stats()).toEqual({ workers: 1, running: 0, queued: 0 });
  });

  it('moves transferred columns to the worker and a transferred result back', async () => {
    const p = pool();
    const values = Float64Array.from({ length: 1_000 }, (_, i) => i);
    const result = await p.run<{ values: Float64Array }, { total: number; length: number; doubled: Float64Array }>(
      'sum',
      { values },
      { transfer: transferListOf([values]) },
    );
    expect(result.total).toBe((999 * 1000) / 2);
    expect(result.length).toBe(1_000);
    expect(result.doubled[999]).toBe(1998);
    // Moved, not copied: the caller's array is detached.
    expect(values.length).toBe(0);
  });

  it('transferListOf lists each whole buffer once and skips views into larger or shared buffers', () => {
    const whole = new Float64Array(4);
    const sameBuffer = new Uint8Array(whole.buffer);
    const slice = new Float64Array(new ArrayBuffer(64), 8, 2);
    const shared = new Int32Array(new SharedArrayBuffer(8));
    expect(transferListOf([whole, sameBuffer, slice, shared, null])).toEqual([whole.buffer]);
  });

  it('runs one task per worker, queues the rest FIFO up to maxQueued and refuses beyond it at once', async () => {
    const p = pool({ size: 1, maxQueued: 2 });
    const latches = [gate(), gate(), gate()];
    const first = holding(p, 'first', latches[0]);
    await first.started;
    const queued = [holding(p, 'second', latches[1]), holding(p, 'third', latches[2])];
    expect(p.stats()).toEqual({ workers: 1, running: 1, queued: 2 });

    const refused = p.run('echo', 'one too many');
    await expect(refused).rejects.toBeInstanceOf(WorkerQueueFullError);
    await expect(refused).rejects.toMatchObject({
      code: 'SERVICE_BUSY',
      details: { pool: 'test-pool', running: 1, queued: 2, queueLimit: 2, retryable: true },
    });
    expect(() => p.assertCapacity()).toThrow(WorkerQueueFullError);

    // Released in reverse order, they still finish in arrival order: one worker, FIFO queue.
    const order: string[] = [];
    const all = [first.done, ...queued.map((q) => q.done)].map((done) => done.then((label) => order.push(label)));
    latches[2].release();
    latches[1].release();
    latches[0].release();
    await Promise.all(all);
    expect(order).toEqual(['first', 'second', 'third']);
    expect(() => p.assertCapacity()).not.toThrow();
  });

  it('runs up to size tasks at once in separate workers', async () => {
    const p = pool({ size: 2, maxQueued: 0 });
    const [a, b] = [gate(), gate()];
    const first = holding(p, 'a', a);
    const second = holding(p, 'b', b);
    await Promise.all([first.started, second.started]);
    expect(p.stats()).toEqual({ workers: 2, running: 2, queued: 0 });
    await expect(p.run('echo', 1)).rejects.toBeInstanceOf(WorkerQueueFullError);
    b.release();
    a.release();
    expect(await Promise.all([first.done, second.done])).toEqual(['a', 'b']);
  });

  it("re-throws a task's error with its name and message, and a DomainError with its code and details", async () => {
    const p = pool();
    const plain = p.run('fail', { message: 'fold 3 has no defaults' });
    await expect(plain).rejects.toMatchObject({ name: 'RangeError', message: 'fold 3 has no defaults' });
    await expect(plain).rejects.not.toBeInstanceOf(DomainError);

    const typed = p.run('failTyped', undefined);
    await expect(typed).rejects.toBeInstanceOf(DomainError);
    await expect(typed).rejects.toMatchObject({
      name: 'InsufficientTrainingDataError',
      code: 'BAD_USER_INPUT',
      message: '12 labelled prediction rows in the range; retraining needs at least 200',
      details: { labelledRows: 12, required: 200 },
    });
    await expect(p.run('no-such-task', undefined)).rejects.toThrow(/unknown task "no-such-task"/);
    // A failing task does not cost the worker.
    expect(p.stats().workers).toBe(1);
  });

  it('rejects the task of a worker that crashes or exits, and replaces the worker for the next task', async () => {
    const p = pool({ size: 1, maxQueued: 4 });
    const before = await p.run<void, number>('threadId', undefined);

    const crash = p.run('crash', undefined);
    // Queued behind the crashing task: it must run on the replacement.
    const afterCrash = p.run<void, number>('threadId', undefined);
    await expect(crash).rejects.toBeInstanceOf(WorkerCrashedError);
    await expect(crash).rejects.toThrow(/worker pool "test-pool": the worker running task "crash" crashed: worker blew up/);
    const replacement = await afterCrash;
    expect(replacement).not.toBe(before);

    await expect(p.run('exit', undefined)).rejects.toThrow(/task "exit" exited with code 7/);
    const third = await p.run<void, number>('threadId', undefined);
    expect(third).not.toBe(replacement);
    expect(p.stats()).toEqual({ workers: 1, running: 0, queued: 0 });
    expect(lines.filter((line) => line.level === 'error').map((line) => line.entry)).toEqual([
      expect.objectContaining({ msg: 'worker failed', pool: 'test-pool', task: 'crash' }),
      expect.objectContaining({ msg: 'worker failed', pool: 'test-pool', task: 'exit', why: 'exited with code 7' }),
    ]);
  });

  it('hands every progress report to onProgress and logs them throttled, at info level', async () => {
    const p = pool();
    const seen: TaskProgress[] = [];
    expect(await p.run('progress', { steps: 5 }, { onProgress: (report) => seen.push(report) })).toBe(5);
    expect(seen.map((report) => report.step)).toEqual([1, 2, 3, 4, 5]);
    const logged = lines.filter((line) => line.entry.msg === 'test-pool progress');
    // The first report is logged; the next ones within the interval are not.
    expect(logged.length).toBeGreaterThanOrEqual(1);
    expect(logged.length).toBeLessThan(5);
    expect(logged[0]).toEqual({
      level: 'log',
      entry: { msg: 'test-pool progress', pool: 'test-pool', task: 'progress', stage: 'step', step: 1, steps: 5 },
    });
  });

  it('close() rejects running and queued tasks, terminates the workers, and refuses new tasks', async () => {
    const p = pool({ size: 1, maxQueued: 2 });
    const latch = gate();
    const running = holding(p, 'running', latch);
    await running.started;
    const queued = p.run('echo', 'queued');
    const refused = [
      expect(running.done).rejects.toBeInstanceOf(WorkerPoolClosedError),
      expect(queued).rejects.toBeInstanceOf(WorkerPoolClosedError),
    ];
    await p.close();
    await Promise.all(refused);
    await expect(p.run('echo', 'late')).rejects.toThrow(/worker pool "test-pool" is closed; task "echo" was not completed/);
    expect(p.stats()).toEqual({ workers: 0, running: 0, queued: 0 });
    await p.close();
    // Closing is not a crash.
    expect(lines.filter((line) => line.level === 'error')).toEqual([]);
  });
});
