/**
 * A /health poller for "the instance keeps serving while X runs" tests: one request at a time
 * in a loop, each answer recorded with the (performance.now()) time it was sent and arrived.
 * Tests count answers that ARRIVED while the work was in progress; a blocked event loop answers
 * nothing until it is free again, so it shows up as no answers, whatever the machine's speed.
 * The loop is bounded in requests and time and stops by itself; stop() ends it early.
 */

export interface HealthAnswer {
  /** performance.now() when the request was sent / its whole body had arrived. */
  sentAt: number;
  arrivedAt: number;
  /** HTTP status; 0 when the request failed (connection refused, reset). */
  status: number;
}

export interface HealthPoller {
  /** Every answer so far, in arrival order. */
  readonly answers: ReadonlyArray<HealthAnswer>;
  /** Resolves with the first answer: the poller is running. */
  readonly firstAnswer: Promise<HealthAnswer>;
  /** Answers with status 200 that arrived in [from, to]. */
  arrivedBetween(from: number, to: number): HealthAnswer[];
  /** Ends the loop (after the request in flight) and returns every answer. */
  stop(): Promise<HealthAnswer[]>;
}

export interface HealthPollerOptions {
  /** Pause between an answer and the next request (default 10 ms: a steady, light load). */
  pauseMs?: number;
  /** Stop by itself after this many requests (default 20,000) or this long (default 10 minutes). */
  maxRequests?: number;
  maxMs?: number;
}

export function startHealthPoller(baseUrl: string, options: HealthPollerOptions = {}): HealthPoller {
  const { pauseMs = 10, maxRequests = 20_000, maxMs = 600_000 } = options;
  const answers: HealthAnswer[] = [];
  let stopped = false;
  let first!: (answer: HealthAnswer) => void;
  const firstAnswer = new Promise<HealthAnswer>((resolve) => (first = resolve));
  const started = performance.now();

  const loop = (async () => {
    while (!stopped && answers.length < maxRequests && performance.now() - started < maxMs) {
      const sentAt = performance.now();
      let status: number;
      try {
        const response = await fetch(`${baseUrl}/health`);
        await response.arrayBuffer();
        status = response.status;
      } catch {
        status = 0;
      }
      const answer = { sentAt, arrivedAt: performance.now(), status };
      answers.push(answer);
      if (answers.length === 1) first(answer);
      if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  })();

  return {
    answers,
    firstAnswer,
    arrivedBetween: (from, to) => answers.filter((a) => a.status === 200 && a.arrivedAt >= from && a.arrivedAt <= to),
    stop: async () => {
      stopped = true;
      await loop;
      return answers;
    },
  };
}

/**
 * Runs `work` with a poller started (and answering) before it, and returns its result with the
 * 200 answers that arrived between its start and its end.
 */
export async function whilePolling<T>(
  baseUrl: string,
  work: () => Promise<T>,
  options: HealthPollerOptions = {},
): Promise<{ result: T; during: HealthAnswer[]; poller: HealthPoller; startedAt: number; endedAt: number }> {
  const poller = startHealthPoller(baseUrl, options);
  try {
    await poller.firstAnswer;
    const startedAt = performance.now();
    const result = await work();
    const endedAt = performance.now();
    return { result, during: poller.arrivedBetween(startedAt, endedAt), poller, startedAt, endedAt };
  } finally {
    await poller.stop();
  }
}
