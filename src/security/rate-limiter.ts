import { RateLimitConfig } from '../config/app-config';

interface Bucket {
  tokens: number;
  updatedAt: number;
  limit: RateLimitConfig;
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
    const bucket = this.buckets.get(key) ?? { tokens: limit.capacity, updatedAt: now, limit };
    // A clock stepped backwards must not drain the bucket (and lock the caller out that long).
    const elapsed = Math.max(0, now - bucket.updatedAt);
    bucket.tokens = Math.min(limit.capacity, bucket.tokens + (elapsed / 1000) * limit.refillPerSecond);
    bucket.updatedAt = now;
    bucket.limit = limit;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / limit.refillPerSecond));
  }

  /**
   * Forgets buckets idle for a minute that have refilled completely (a new bucket starts full, so
   * nothing changes for them), so memory follows active clients. A slowly refilling bucket is kept
   * until it is full: forgetting it earlier would hand out a free refill.
   */
  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) {
      const idle = now - bucket.updatedAt;
      const refilled = bucket.tokens + (Math.max(0, idle) / 1000) * bucket.limit.refillPerSecond;
      if (idle > 60_000 && refilled >= bucket.limit.capacity) this.buckets.delete(key);
    }
  }
}
