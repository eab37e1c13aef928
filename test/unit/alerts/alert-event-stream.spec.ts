import { alertEventMatcher, parseAfterEventId } from '../../../src/alerts/alert-event.filter';
import { AlertEventSink, AlertEventSource, AlertEventStream, SubscriberTooSlowError } from '../../../src/alerts/alert-event.stream';
import { AlertEventType, AlertKind, AlertSeverity, AlertStatus } from '../../../src/alerts/models/alert-enums';
import { AlertEvent } from '../../../src/alerts/models/alert-event.model';

function event(id: number, overrides: Partial<AlertEvent['alert']> = {}, type = AlertEventType.UPDATED): AlertEvent {
  const at = new Date(1_700_000_000_000 + id * 1000);
  return {
    id: String(id),
    type,
    occurredAt: at,
    actor: 'system',
    note: null,
    details: null,
    alert: {
      id: 'a',
      fingerprint: 'f',
      kind: AlertKind.FEATURE_DRIFT,
      feature: 'age',
      modelVersion: 'm',
      severity: AlertSeverity.HIGH,
      status: AlertStatus.OPEN,
      message: '',
      occurrences: id,
      worstScore: null,
      latestDriftReportId: null,
      previousAlertId: null,
      snoozedUntil: null,
      clearChecks: 0,
      firstSeenAt: at,
      lastSeenAt: at,
      resolvedAt: null,
      createdAt: at,
      updatedAt: at,
      ...overrides,
    },
  };
}

/**
 * An in-memory event log standing in for the instance (the real one is covered end to end in
 * test/integration/alerts-subscriptions.spec.ts); it lets the test interleave live pushes with
 * replay reads at exact points.
 */
class FakeSource implements AlertEventSource {
  log: AlertEvent[] = [];
  sinks = new Set<AlertEventSink>();
  beforeFetch: () => void = () => undefined;
  attach(sink: AlertEventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }
  async fetchAfter(afterId: number, limit: number): Promise<AlertEvent[]> {
    this.beforeFetch();
    return this.log.filter((e) => Number(e.id) > afterId).slice(0, limit);
  }
  commit(...events: AlertEvent[]): void {
    this.log.push(...events);
    for (const e of events) for (const sink of this.sinks) sink.push(e);
  }
}

async function take(stream: AlertEventStream, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await stream.next()).value!.id);
  return ids;
}

describe('AlertEventStream', () => {
  it('replays after afterEventId, then live, with no duplicate or gap at the seam', async () => {
    const source = new FakeSource();
    source.log = [1, 2, 3, 4].map((id) => event(id));
    // Events 5 and 6 commit while the replay query runs: they arrive live AND are in the table.
    let first = true;
    source.beforeFetch = () => {
      if (first) source.commit(event(5), event(6));
      first = false;
    };
    const stream = new AlertEventStream(source, () => true, 2, 100);
    expect(await take(stream, 4)).toEqual(['3', '4', '5', '6']);
    source.commit(event(7));
    expect(await take(stream, 1)).toEqual(['7']);
    await stream.return();
    expect(source.sinks.size).toBe(0);
  });

  it('replays a backlog larger than one page, page by page', async () => {
    const source = new FakeSource();
    source.log = Array.from({ length: 1_234 }, (_, i) => event(i + 1));
    const stream = new AlertEventStream(source, () => true, 0, 2_000);
    const ids = await take(stream, 1_234);
    expect(ids).toEqual(source.log.map((e) => e.id));
  });

  it('without afterEventId delivers only live events; drops ids it has already passed', async () => {
    const source = new FakeSource();
    source.log = [event(1)];
    const stream = new AlertEventStream(source, () => true, null, 100);
    const next = stream.next();
    source.commit(event(2));
    source.commit(event(2));
    source.commit(event(3));
    expect((await next).value!.id).toBe('2');
    expect(await take(stream, 1)).toEqual(['3']);
  });

  it('filters without losing its place, and closes a subscriber that falls too far behind', async () => {
    const source = new FakeSource();
    const stream = new AlertEventStream(source, (e) => e.alert.severity === AlertSeverity.CRITICAL, null, 3);
    source.commit(event(1), event(2, { severity: AlertSeverity.CRITICAL }), event(3));
    expect(await take(stream, 1)).toEqual(['2']);
    source.commit(...[4, 5, 6, 7].map((id) => event(id, { severity: AlertSeverity.CRITICAL })));
    await expect(stream.next()).rejects.toThrow(SubscriberTooSlowError);
    await expect(stream.next()).resolves.toEqual({ value: undefined, done: true });
    expect(source.sinks.size).toBe(0);
  });

  it('matcher: snoozed alerts push status changes but not new occurrences', () => {
    const matches = alertEventMatcher({ feature: 'age' });
    const snoozedUntil = new Date(1_700_000_000_000 + 10_000);
    expect(matches(event(3, { snoozedUntil }))).toBe(false);
    expect(matches(event(3, { snoozedUntil, status: AlertStatus.RESOLVED }, AlertEventType.RESOLVED))).toBe(true);
    expect(matches(event(11, { snoozedUntil }))).toBe(true);
    expect(matches(event(11, { feature: 'loanAmount' }))).toBe(false);
  });

  it('parses afterEventId strictly', () => {
    expect(parseAfterEventId(undefined)).toBeNull();
    expect(parseAfterEventId('42')).toBe(42);
    expect(() => parseAfterEventId('-1')).toThrow(/afterEventId/);
    expect(() => parseAfterEventId('1e3')).toThrow(/afterEventId/);
  });
});
