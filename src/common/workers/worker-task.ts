import { types } from 'node:util';
import { isMainThread, parentPort, TransferListItem } from 'node:worker_threads';
import { DomainError, ErrorCode } from '../errors/domain-error';

/**
 * The worker side of WorkerPool (see worker-pool.ts), and the messages both sides exchange.
 *
 * A worker module is a file ending in `.worker.ts` that does nothing but
 *
 *   serveTasks({ train: async (input: TrainInput, progress) => { ...; progress({ stage: 'training' }); return output; } });
 *
 * Inputs and outputs travel by structured clone (typed arrays, NaN, Dates and nested objects
 * survive; functions and class prototypes do not). A handler returns `transferring(output, [buffers])`
 * to move big typed arrays back instead of copying them. An error it throws reaches the caller
 * with its name, message and stack, and a DomainError (one of our typed errors) as a DomainError
 * with the same code and details, so the API maps it exactly as if it had been thrown in place.
 */

/** A structured progress report: the pool logs it as `{ msg: '<pool> progress', pool, task, ...progress }`. */
export type TaskProgress = Record<string, string | number | boolean | null>;

export type TaskHandler<I = never, O = unknown> = (input: I, progress: (report: TaskProgress) => void) => Promise<O> | O;

/** Parent → worker. */
export interface RunMessage {
  type: 'run';
  id: number;
  task: string;
  input: unknown;
}

/** Worker → parent. */
export type WorkerMessage =
  | { type: 'progress'; id: number; progress: TaskProgress }
  | { type: 'result'; id: number; output: unknown }
  | { type: 'error'; id: number; error: SerializedError };

/** An error as it crosses the thread boundary (Error objects lose their subclass in a structured clone). */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  /** Set when the handler threw a DomainError: rebuilt as one on the caller's side. */
  domain?: { code: ErrorCode; details: Record<string, unknown> };
}

/** A handler's result that moves (rather than copies) the listed buffers to the caller. */
export class Transferring<O> {
  constructor(
    readonly output: O,
    readonly transfer: TransferListItem[],
  ) {}
}

export function transferring<O>(output: O, transfer: TransferListItem[]): Transferring<O> {
  return new Transferring(output, transfer);
}

/**
 * The buffers of these typed arrays that can be moved to another thread: each distinct
 * ArrayBuffer once (listing one twice is a DataCloneError), and only when the view spans all of
 * it. A view into a larger buffer (e.g. a slice of Node's Buffer pool, which must not be moved)
 * is copied instead, and so is a SharedArrayBuffer (shared, never moved). The arrays listed are
 * unusable (detached) in the sender once the message is posted.
 */
export function transferListOf(views: Iterable<ArrayBufferView | null | undefined>): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const view of views) {
    // util.types, not instanceof: typed arrays from another realm (a vm context, jest) count too.
    if (!view || !types.isArrayBuffer(view.buffer)) continue;
    if (view.byteOffset !== 0 || view.byteLength !== view.buffer.byteLength) continue;
    buffers.add(view.buffer as ArrayBuffer);
  }
  return [...buffers];
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof DomainError) {
    return { name: error.name, message: error.message, stack: error.stack, domain: { code: error.code, details: error.details } };
  }
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: 'Error', message: String(error) };
}

/**
 * The caller's copy of an error thrown in a worker. A DomainError comes back as a DomainError
 * (code, details and name kept: the global filter maps it like the original); anything else as an
 * Error with the same name and message whose stack is the worker's.
 */
export function deserializeError(serialized: SerializedError): Error {
  const error = serialized.domain
    ? new DomainError(serialized.domain.code, serialized.message, serialized.domain.details)
    : new Error(serialized.message);
  Object.defineProperty(error, 'name', { value: serialized.name, enumerable: false, configurable: true, writable: true });
  if (serialized.stack) error.stack = serialized.stack;
  return error;
}

/**
 * Serves tasks in a worker thread: answers each `run` message from the pool with the handler's
 * result or error, and forwards its progress reports. Call it once, at the top of a worker module.
 */
export function serveTasks(handlers: Record<string, TaskHandler<never, unknown>>): void {
  const port = parentPort;
  if (isMainThread || !port) throw new Error('serveTasks() must run in a worker thread started by WorkerPool');
  port.on('message', (message: RunMessage) => {
    if (message?.type !== 'run') return;
    const { id, task, input } = message;
    const handler = handlers[task];
    const progress = (report: TaskProgress): void => port.postMessage({ type: 'progress', id, progress: report } satisfies WorkerMessage);
    void (async () => {
      try {
        if (!handler) throw new Error(`unknown task "${task}" (this worker serves: ${Object.keys(handlers).join(', ')})`);
        const result = await (handler as TaskHandler<unknown, unknown>)(input, progress);
        if (result instanceof Transferring) {
          port.postMessage({ type: 'result', id, output: result.output } satisfies WorkerMessage, result.transfer);
        } else {
          port.postMessage({ type: 'result', id, output: result } satisfies WorkerMessage);
        }
      } catch (error) {
        port.postMessage({ type: 'error', id, error: serializeError(error) } satisfies WorkerMessage);
      }
    })();
  });
}
