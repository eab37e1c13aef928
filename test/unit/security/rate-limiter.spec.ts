import { TokenBuckets } from '../../../src/security/rate-limiter';

/** A clock the test moves by hand. */
function manualClock(start = 1_700_000_000_000): { now: () => number; advance(ms: number): void; set(ms: number): void } {
  let current = start;
  return {
    now: () => current,
    advance: (ms) => {
      current += ms;
    },
    set: (ms) => {
      current = ms;
    },
  };
}

/** Takes until refused; returns how many were granted (bounded, so a broken limiter fails instead of looping). */
function drain(buckets: TokenBuckets, key: string, limit: string, max = 10_000): number {
  let granted = 0;
  while (granted < max && buckets.take(key, limit) === 0) granted++;
  return granted;
}

describe('TokenBuckets', () => {
  const limits = {
    viewer: { capacity: 3, refillPerSecond: 0.5 },
    fast: { capacity: 10, refillPerSecond: 50 },
    slow: { capacity: 5, refillPerSecond: 0.01 },
  };

  it('grants a full bucket at once, then refuses with the seconds until the next token', () => {
    const clock = manualClock();
    const buckets = new TokenBuckets(limits, clock.now);
    expect([0, 1, 2].map(() => buckets.take('key:a', 'viewer'))).toEqual([0, 0, 0]);
    // Empty: one token takes 1 / 0.5 = 2 s.
    expect(buckets.take('key:a', 'viewer')).toBe(2);
    // A refused request takes nothing, so asking again says the same.
    expect(buckets.take('key:a', 'viewer')).toBe(2);
  });

  it('refills continuously at refillPerSecond, and the retry time shrinks as it does', () => {
    const clock = manualClock();
    const buckets = new TokenBuckets(limits, clock.now);
    expect(drain(buckets, 'key:a', 'viewer')).toBe(3);
    clock.advance(1_000); // 0.5 token
    expect(buckets.take('key:a', 'viewer')).toBe(1); // ceil(0.5 / 0.5)
    clock.advance(999); // 0.9995 tokens: still short
    expect(buckets.take('key:a', 'viewer')).toBe(1);
    clock.advance(1); // exactly 1 token
    expect(buckets.take('key:a', 'viewer')).toBe(0);
    expect(buckets.take('key:a', 'viewer')).toBe(2);
    clock.advance(4_000); // 2 tokens
    expect(drain(buckets, 'key:a', 'viewer')).toBe(2);
  });

  it('never holds more than capacity, however long the bucket was idle', () => {
    const clock = manualClock();
    const buckets = new TokenBuckets(limits, clock.now);
    expect(drain(buckets, 'key:a', 'viewer')).toBe(3);
    clock.advance(30_000); // 15 tokens' worth of refill, capped at 3
    expect(drain(buckets, 'key:a', 'viewer')).toBe(3);
    expect(drain(buckets, 'key:b', 'fast')).toBe(10);
    clock.advance(100); // 5 tokens at 50/s: under the cap of 10, all of them count
    expect(drain(buckets, 'key:b', 'fast')).toBe(5);
    clock.advance(10_000); // 500 tokens' worth, capped at 10
    expect(drain(buckets, 'key:b', 'fast')).toBe(10);
  });

  it('rounds the retry time up to whole seconds, and never answers 0 for a refusal', () => {
    const clock = manualClock();
    const buckets = new TokenBuckets(limits, clock.now);
    expect(drain(buckets, 'key:a', 'fast')).toBe(10);
    // At 50 per second the next token is 20 ms away: still "retry after 1 s".
    expect(buckets.take('key:a', 'fast')).toBe(1);
    expect(drain(buckets, 'key:s', 'slow')).toBe(5);
    expect(buckets.take('key:s', 'slow')).toBe(100); // 1 / 0.01
    clock.advance(40_500); // 0.405 tokens
    expect(buckets.take('key:s', 'slow')).toBe(60); // ceil(0.595 / 0.01) = 59.5 -> 60
    expect(Number.isInteger(buckets.take('key:s', 'slow'))).toBe(true);
  });

  it('keeps one bucket per key: one principal emptying its bucket does not touch another', () => {
    const clock = manualClock();
    const buckets = new TokenBuckets(limits, clock.now);
    expect(drain(buckets, 'key:a', 'viewer')).toBe(3);
    expect(buckets.take('key:b', 'viewer')).toBe(0);
    expect(buckets.take('address:127.0.0.1', 'viewer')).toBe(0);
  });

  it('does not limit a limit name it has no configuration for', () => {
    const buckets = new TokenBuckets(limits, manualClock().now);
    expect(drain(buckets, 'key:a', 'unconfigured', 1_000)).toBe(1_000);
  });

  it('sweeps idle buckets that have refilled: they behave exactly as a new, full bucket', () => {
    const clock = manualClock();
    const buckets = new TokenBuckets(limits, clock.now);
    const internal = buckets as unknown as { buckets: Map<string, unknown> };
    for (const key of ['key:a', 'key:b', 'key:c']) expect(drain(buckets, key, 'viewer')).toBe(3);
    expect(internal.buckets.size).toBe(3);
    clock.advance(61_000); // idle > 1 minute: refilled long ago (6 s to fill)
    expect(buckets.take('key:d', 'viewer')).toBe(0); // any take runs the sweep
    expect([...internal.buckets.keys()]).toEqual(['key:d']);
    // The swept key starts full again, as it would have been anyway.
    expect(drain(buckets, 'key:a', 'viewer')).toBe(3);
  });

  it('does not sweep an idle bucket that is still refilling (no free refill for slow limits)', () => {
    const clock = manualClock();
    const buckets = new TokenBuckets(limits, clock.now);
    expect(drain(buckets, 'key:s', 'slow')).toBe(5);
    clock.advance(61_000); // 0.61 tokens at 0.01/s: far from the capacity of 5
    expect(buckets.take('key:other', 'slow')).toBe(0); // triggers the sweep
    expect(buckets.take('key:s', 'slow')).toBe(39); // ceil(0.39 / 0.01): the bucket was kept
    clock.advance(500_000); // now full: the next sweep may forget it
    expect(buckets.take('key:other', 'slow')).toBe(0);
    const internal = buckets as unknown as { buckets: Map<string, unknown> };
    expect(internal.buckets.has('key:s')).toBe(false);
    expect(drain(buckets, 'key:s', 'slow')).toBe(5);
  });

  it('sweeps at most once a minute', () => {
    const clock = manualClock();
    const buckets = new TokenBuckets(limits, clock.now);
    const keys = (): string[] => [...(buckets as unknown as { buckets: Map<string, unknown> }).buckets.keys()].sort();
    buckets.take('key:first', 'viewer'); // t=0: the first sweep runs here (nothing to forget)
    clock.advance(30_000);
    buckets.take('key:a', 'viewer'); // t=30 s: no sweep
    clock.advance(31_000);
    buckets.take('key:b', 'viewer'); // t=61 s: sweep; key:first (idle 61 s, full) goes, key:a (idle 31 s) stays
    expect(keys()).toEqual(['key:a', 'key:b']);
    clock.advance(40_000);
    buckets.take('key:c', 'viewer'); // t=101 s: key:a is idle 71 s, but the last sweep was 40 s ago
    expect(keys()).toEqual(['key:a', 'key:b', 'key:c']);
    clock.advance(20_000);
    buckets.take('key:d', 'viewer'); // t=121 s: sweep; key:a (idle 91 s) goes, key:b (idle exactly 60 s) stays
    expect(keys()).toEqual(['key:b', 'key:c', 'key:d']);
  });

  it('is not drained when the clock steps backwards', () => {
    const clock = manualClock();
    const buckets = new TokenBuckets(limits, clock.now);
    expect(drain(buckets, 'key:a', 'viewer')).toBe(3);
    clock.set(clock.now() - 3_600_000); // NTP steps the clock back an hour
    // Still "2 s" (one token at 0.5/s), not an hour's worth of negative refill.
    expect(buckets.take('key:a', 'viewer')).toBe(2);
    clock.advance(2_000);
    expect(buckets.take('key:a', 'viewer')).toBe(0);
  });
});
