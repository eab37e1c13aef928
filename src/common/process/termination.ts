import { constants } from 'node:os';

/** The signals that ask a process to stop: a terminal's Ctrl-C, and `kill` / docker stop / Kubernetes. */
export const TERMINATION_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
export type TerminationSignal = (typeof TERMINATION_SIGNALS)[number];

/** The shell's convention for "ended by a signal": 128 + its number (130 for SIGINT, 143 for SIGTERM). */
export function signalExitCode(signal: TerminationSignal): number {
  return 128 + constants.signals[signal];
}

/**
 * Calls `handler` on every SIGINT/SIGTERM until the returned function removes the listeners.
 * While a listener is installed Node no longer dies of the signal, so the process ends through
 * process.exit and its 'exit' hooks run (the embedded PostgreSQL's last-resort stop is one).
 */
export function onTerminationSignal(handler: (signal: TerminationSignal) => void): () => void {
  const listeners = TERMINATION_SIGNALS.map((signal) => {
    const listener = (): void => handler(signal);
    process.on(signal, listener);
    return [signal, listener] as const;
  });
  return () => listeners.forEach(([signal, listener]) => process.removeListener(signal, listener));
}

/**
 * `work`'s result, or signal.reason as soon as `signal` aborts, whichever comes first. The work
 * itself goes on (a promise cannot be cancelled): the caller releases what it holds (closes the
 * connections) and the work's later failure is ignored instead of becoming an unhandled rejection.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  work.catch(() => undefined);
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}
