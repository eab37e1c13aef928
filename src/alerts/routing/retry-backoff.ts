/**
 * Delay before the next delivery attempt after `failedAttempts` failures (1 for the first):
 * exponential, `backoffMs · 2^(failedAttempts − 1)` capped at `maxBackoffMs`, with "equal jitter"
 * (a uniformly random point between half and all of it). The jitter spreads retries of many
 * notifications, and of several instances, that failed together when a receiver went down, so
 * they do not all hit it at the same instant when it comes back.
 */
export function retryDelayMs(failedAttempts: number, backoffMs: number, maxBackoffMs: number, random: () => number = Math.random): number {
  if (!Number.isInteger(failedAttempts) || failedAttempts < 1)
    throw new RangeError(`failedAttempts must be a positive integer, got ${failedAttempts}`);
  // 2 ** 1024 is Infinity; Math.min keeps the cap exact for any attempt count.
  const capped = Math.min(maxBackoffMs, backoffMs * 2 ** Math.min(failedAttempts - 1, 1000));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(capped / 2 + (r * capped) / 2);
}
