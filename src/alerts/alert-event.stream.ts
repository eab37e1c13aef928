import { AlertEvent } from './models/alert-event.model';

/** What a stream needs from its instance: live fan-out and the event log. */
export interface AlertEventSource {
  /** Registers the sink for every live event from now on; returns the detach function. */
  attach(sink: AlertEventSink): () => void;
  fetchAfter(afterId: number, limit: number): Promise<AlertEvent[]>;
}

export interface AlertEventSink {
  push(event: AlertEvent): void;
  close(error?: Error): void;
}

export class SubscriberTooSlowError extends Error {
  constructor(maxQueued: number, lastDeliveredId: number) {
    super(`More than ${maxQueued} alert events queued for this subscriber; resubscribe with afterEventId: "${lastDeliveredId}"`);
  }
}

const REPLAY_PAGE = 500;

/**
 * One alertChanged subscription: an async iterator that first replays the event log after
 * `afterEventId`, then continues with live events, with no gap and no duplicate at the seam:
 *  1. it attaches to the live fan-out BEFORE the first replay query, holding live events;
 *  2. it replays pages from the table until a short page shows it has caught up;
 *  3. it then releases the held live events.
 * Every event, replayed or live, passes one gate: its id must be greater than the last id this
 * stream processed. Events reach the instance in id order (see AlertEventWriter), so together
 * the replay (everything committed so far) and the live feed (everything after the instance's
 * cursor at attach time) cover every id, and the gate drops the overlap.
 * Replay is pulled page by page as the consumer reads, so a large backlog never sits in memory.
 */
export class AlertEventStream implements AsyncIterableIterator<AlertEvent>, AlertEventSink {
  private lastId: number;
  private lastDeliveredId: number;
  private replaying: boolean;
  private readonly held: AlertEvent[] = [];
  private readonly ready: AlertEvent[] = [];
  private waiter: { resolve(result: IteratorResult<AlertEvent>): void; reject(error: Error): void } | null = null;
  private finished = false;
  private failure: Error | null = null;
  private readonly detach: () => void;
  private readonly page: number;

  constructor(
    private readonly source: AlertEventSource,
    private readonly matches: (event: AlertEvent) => boolean,
    afterEventId: number | null,
    private readonly maxQueued: number,
  ) {
    this.lastId = afterEventId ?? 0;
    this.lastDeliveredId = this.lastId;
    this.replaying = afterEventId !== null;
    this.page = Math.min(REPLAY_PAGE, maxQueued);
    this.detach = source.attach(this);
  }

  push(event: AlertEvent): void {
    if (this.finished) return;
    if (this.replaying) {
      this.held.push(event);
      if (this.held.length > this.maxQueued) this.close(new SubscriberTooSlowError(this.maxQueued, this.lastDeliveredId));
      return;
    }
    this.accept(event);
  }

  close(error?: Error): void {
    if (this.finished) return;
    this.finished = true;
    this.detach();
    this.held.length = 0;
    if (error) {
      // A failed stream must not look like a clean end: drop what is queued and report the error.
      this.ready.length = 0;
      this.failure = error;
    }
    const waiter = this.waiter;
    this.waiter = null;
    if (waiter && error) waiter.reject(error);
    else waiter?.resolve({ value: undefined, done: true });
  }

  async next(): Promise<IteratorResult<AlertEvent>> {
    while (this.replaying && !this.finished && this.ready.length === 0) await this.replayPage();
    const value = this.ready.shift();
    if (value) return this.deliver(value);
    if (this.failure) {
      const failure = this.failure;
      this.failure = null;
      throw failure;
    }
    if (this.finished) return { value: undefined, done: true };
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  async return(): Promise<IteratorResult<AlertEvent>> {
    this.close();
    return { value: undefined, done: true };
  }

  async throw(error?: unknown): Promise<IteratorResult<AlertEvent>> {
    this.close();
    throw error;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<AlertEvent> {
    return this;
  }

  private deliver(event: AlertEvent): IteratorResult<AlertEvent> {
    this.lastDeliveredId = Number(event.id);
    return { value: event, done: false };
  }

  private accept(event: AlertEvent): void {
    const id = Number(event.id);
    if (id <= this.lastId) return;
    this.lastId = id;
    if (!this.matches(event)) return;
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = null;
      waiter.resolve(this.deliver(event));
      return;
    }
    this.ready.push(event);
    if (this.ready.length > this.maxQueued) this.close(new SubscriberTooSlowError(this.maxQueued, this.lastDeliveredId));
  }

  private async replayPage(): Promise<void> {
    let events: AlertEvent[];
    try {
      events = await this.source.fetchAfter(this.lastId, this.page);
    } catch (error) {
      this.close(error as Error);
      return;
    }
    for (const event of events) this.accept(event);
    if (events.length < this.page && !this.finished) {
      this.replaying = false;
      for (const event of this.held.splice(0)) this.accept(event);
    }
  }
}
