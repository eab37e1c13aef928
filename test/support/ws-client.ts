import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

export interface ReceivedEvent {
  id: string;
  type: string;
  occurredAt: string;
  actor: string;
  alert: { id: string; status: string; severity: string; kind: string; feature: string | null; occurrences: number };
}

export const ALERT_CHANGED = `
  subscription AlertChanged($filter: AlertChangedFilter, $afterEventId: ID) {
    alertChanged(filter: $filter, afterEventId: $afterEventId) {
      id type occurredAt actor
      alert { id status severity kind feature occurrences }
    }
  }`;

/** A live subscription that records what arrives, for tests to wait on (no sleeps, no timing asserts). */
export interface Recording<T> {
  received: T[];
  errors: unknown[];
  completed: boolean;
  /** Resolves once at least `count` items arrived; rejects after `timeoutMs` with what did arrive. */
  waitFor(count: number, timeoutMs?: number): Promise<T[]>;
  /** Resolves when the server ends the subscription with an error (or rejects on timeout). */
  waitForError(timeoutMs?: number): Promise<unknown>;
  dispose(): void;
}

export interface WsTestClient {
  client: Client;
  subscribe<T = ReceivedEvent>(query: string, variables?: Record<string, unknown>, field?: string): Recording<T>;
  /** Resolves with the close code of the socket (for limit tests). */
  closed: Promise<number>;
  dispose(): Promise<void>;
}

/**
 * graphql-ws client on the `ws` package, against a running instance's http(s) URL, sending the
 * key in `connection_init` as a console would (null: no credentials).
 */
export function connectWs(
  httpUrl: string,
  key: { headers: { authorization: string } } | null,
  options: { origin?: string } = {},
): WsTestClient {
  let closedWith: (code: number) => void = () => undefined;
  const closed = new Promise<number>((resolve) => (closedWith = resolve));
  const client = createClient({
    url: `${httpUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: options.origin
      ? class extends WebSocket {
          constructor(address: string, protocols?: string | string[]) {
            super(address, protocols, { origin: options.origin });
          }
        }
      : WebSocket,
    connectionParams: key ? { authorization: key.headers.authorization } : undefined,
    retryAttempts: 0,
    lazy: false,
    on: { closed: (event) => closedWith((event as { code: number }).code) },
    onNonLazyError: () => undefined,
  });
  return {
    client,
    closed,
    subscribe<T>(query: string, variables: Record<string, unknown> = {}, field = 'alertChanged'): Recording<T> {
      const received: T[] = [];
      const errors: unknown[] = [];
      const listeners = new Set<() => void>();
      const notify = (): void => listeners.forEach((listener) => listener());
      const recording: Recording<T> = {
        received,
        errors,
        completed: false,
        waitFor: (count, timeoutMs = 20_000) =>
          waitUntil(
            () => received.length >= count,
            listeners,
            timeoutMs,
            () => `expected ${count} events, got ${received.length}: ${JSON.stringify(received)} errors: ${JSON.stringify(errors)}`,
          ).then(() => received),
        waitForError: (timeoutMs = 20_000) =>
          waitUntil(
            () => errors.length > 0,
            listeners,
            timeoutMs,
            () => `no error; received ${received.length}`,
          ).then(() => errors[0]),
        dispose: () => unsubscribe(),
      };
      const unsubscribe = client.subscribe<Record<string, T>>(
        { query, variables },
        {
          next: (result) => {
            if (result.errors) errors.push(result.errors);
            else if (result.data) received.push(result.data[field]);
            notify();
          },
          error: (error) => {
            errors.push(error);
            notify();
          },
          complete: () => {
            recording.completed = true;
            notify();
          },
        },
      );
      return recording;
    },
    dispose: () => client.dispose() as Promise<void>,
  };
}

function waitUntil(done: () => boolean, listeners: Set<() => void>, timeoutMs: number, describe: () => string): Promise<void> {
  if (done()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      listeners.delete(check);
      reject(new Error(describe()));
    }, timeoutMs);
    const check = (): void => {
      if (!done()) return;
      clearTimeout(timer);
      listeners.delete(check);
      resolve();
    };
    listeners.add(check);
  });
}
