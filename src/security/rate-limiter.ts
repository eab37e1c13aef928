import { RateLimitConfig } from '../config/app-config';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * Token buckets per principal, in this instance's memory. A bucket holds `capacity` tokens and
 * refills continuously at `refillPerSecond`; each request takes one. With N instances behind a
 * load balancer a principal's effective limit is up to N times the configured one (README,
 * "Rate limits"). Written here rather than taken from @nestjs/throttler, whose limits are
 * fixed windows per route rather than refilling buckets per principal and role.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep = 0;

  constructor(
    private readonly limits: Record<string, RateLimitConfig>,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Takes a token; returns 0 when granted, else the seconds until one is available. */
  take(key: string, limitName: string): number {
    const limit = this.limits[limitName];
    if (!limit) return 0;
    const now = this.now();
    this.sweep(now);
    const bucket = this.buckets.get(key) ?? { tokens: limit.capacity, updatedAt: now };
    bucket.tokens = Math.min(limit.capacity, bucket.tokens + ((now - bucket.updatedAt) / 1000) * limit.refillPerSecond);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / limit.refillPerSecond));
  }

  /** Forgets buckets idle for a minute (they would be full again), so memory follows active clients. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) if (now - bucket.updatedAt > 60_000) this.buckets.delete(key);
  }
}
