import { threadId } from 'node:worker_threads';
import { serveTasks, transferring } from '../../src/common/workers/worker-task';
import { InsufficientTrainingDataError } from '../../src/retraining/retraining.errors';

/** Tasks for test/unit/common/worker-pool.spec.ts: each exercises one behaviour of WorkerPool. */
serveTasks({
  echo: (input: unknown) => input,
  threadId: () => threadId,
  /** Sums a column moved here; hands back a new column moved back. */
  sum: (input: { values: Float64Array }) => {
    let total = 0;
    for (const value of input.values) total += value;
    const doubled = input.values.map((value) => value * 2);
    return transferring({ total, length: input.values.length, doubled }, [doubled.buffer]);
  },
  /** Blocks this worker until the test stores 1 in gate[0] (no timers: the test decides when). */
  hold: (input: { gate: Int32Array; label: string }, progress) => {
    progress({ stage: 'holding', label: input.label });
    while (Atomics.load(input.gate, 0) === 0) Atomics.wait(input.gate, 0, 0);
    return input.label;
  },
  progress: (input: { steps: number }, progress) => {
    for (let step = 1; step <= input.steps; step++) progress({ stage: 'step', step, steps: input.steps });
    return input.steps;
  },
  fail: (input: { message: string }) => {
    const error = new RangeError(input.message);
    throw error;
  },
  failTyped: () => {
    throw new InsufficientTrainingDataError('12 labelled prediction rows in the range; retraining needs at least 200', {
      labelledRows: 12,
      required: 200,
    });
  },
  /** An exception outside the task's promise: the worker thread dies. */
  crash: () =>
    new Promise(() => {
      setImmediate(() => {
        throw new Error('worker blew up');
      });
    }),
  exit: () => process.exit(7),
});
