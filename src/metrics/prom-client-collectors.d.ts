/**
 * Prom-client 15 ships its default collectors as separate CommonJS files without type
 * declarations; process-metrics.ts uses the ones that hold no resources between scrapes. Each
 * registers its metrics on the registry it is given.
 */
declare module 'prom-client/lib/metrics/*' {
  import type { Registry } from 'prom-client';

  const collector: (registry: Registry, config: { prefix?: string; labels?: Record<string, string> }) => void;
  export = collector;
}
