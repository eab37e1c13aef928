import { constants, IntervalHistogram, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { Gauge, Histogram, Registry } from 'prom-client';
import heapSizeAndUsed from 'prom-client/lib/metrics/heapSizeAndUsed';
import heapSpacesSizeAndUsed from 'prom-client/lib/metrics/heapSpacesSizeAndUsed';
import osMemoryHeap from 'prom-client/lib/metrics/osMemoryHeap';
import processCpuTotal from 'prom-client/lib/metrics/processCpuTotal';
import processHandles from 'prom-client/lib/metrics/processHandles';
import processMaxFileDescriptors from 'prom-client/lib/metrics/processMaxFileDescriptors';
import processOpenFileDescriptors from 'prom-client/lib/metrics/processOpenFileDescriptors';
import processRequests from 'prom-client/lib/metrics/processRequests';
import processResources from 'prom-client/lib/metrics/processResources';
import processStartTime from 'prom-client/lib/metrics/processStartTime';
import version from 'prom-client/lib/metrics/version';

/**
 * Prom-client's default collectors that read everything at scrape time and hold nothing between
 * scrapes (CPU, memory, heap spaces, file descriptors, handles, start time, Node version).
 * `collectDefaultMetrics` is not used: its event-loop and GC collectors start a process-wide
 * `monitorEventLoopDelay` histogram and a GC PerformanceObserver and offer no way to stop them,
 * so every application created in one process (the test suite, the demo) would leave two more
 * running. Those two are implemented below with handles that stop on application shutdown.
 */
const SCRAPE_TIME_COLLECTORS = [
  processCpuTotal,
  processStartTime,
  osMemoryHeap,
  processOpenFileDescriptors,
  processMaxFileDescriptors,
  processResources,
  processHandles,
  processRequests,
  heapSizeAndUsed,
  heapSpacesSizeAndUsed,
  version,
];

/** Prom-client's names and the 10 ms resolution collectDefaultMetrics uses, so rules and dashboards keep working. */
const EVENT_LOOP_RESOLUTION_MS = 10;
const GC_BUCKETS = [0.001, 0.01, 0.1, 1, 2, 5];
const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/**
 * Process and Node.js runtime metrics of one application's registry: prom-client's default set,
 * with the event-loop delay and GC durations measured by monitors this object owns. `stop()`
 * ends them (MetricsService calls it on application shutdown); after it the two series keep
 * their last values.
 */
export class ProcessMetrics {
  private readonly eventLoop: IntervalHistogram;
  private readonly gcObserver: PerformanceObserver;

  constructor(registry: Registry) {
    const registers = [registry];
    for (const collect of SCRAPE_TIME_COLLECTORS) collect(registry, {});

    this.eventLoop = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
    this.eventLoop.enable();
    const histogram = this.eventLoop;
    const seconds = (nanoseconds: number): number => nanoseconds / 1e9;
    const summaries: Array<[string, string, (h: IntervalHistogram) => number]> = [
      ['min', 'The minimum recorded event loop delay.', (h) => h.min],
      ['max', 'The maximum recorded event loop delay.', (h) => h.max],
      ['mean', 'The mean of the recorded event loop delays.', (h) => h.mean],
      ['stddev', 'The standard deviation of the recorded event loop delays.', (h) => h.stddev],
      ['p50', 'The 50th percentile of the recorded event loop delays.', (h) => h.percentile(50)],
      ['p90', 'The 90th percentile of the recorded event loop delays.', (h) => h.percentile(90)],
      ['p99', 'The 99th percentile of the recorded event loop delays.', (h) => h.percentile(99)],
    ];
    const gauges = summaries.map(([name, help, read]) => ({
      gauge: new Gauge({ name: `nodejs_eventloop_lag_${name}_seconds`, help, registers }),
      read,
    }));
    const lag: Gauge = new Gauge({
      name: 'nodejs_eventloop_lag_seconds',
      help: 'Lag of event loop in seconds.',
      registers,
      // One collect sets every event-loop series: the delay percentiles since the last scrape
      // (then the histogram starts over) and the lag of this scrape itself.
      collect: async () => {
        for (const { gauge, read } of gauges) gauge.set(seconds(read(histogram)));
        histogram.reset();
        const start = process.hrtime.bigint();
        await new Promise<void>((resolve) => setImmediate(resolve));
        lag.set(Number(process.hrtime.bigint() - start) / 1e9);
      },
    });

    const gc = new Histogram<'kind'>({
      name: 'nodejs_gc_duration_seconds',
      help: 'Garbage collection duration by kind, one of major, minor, incremental or weakcb.',
      labelNames: ['kind'],
      buckets: GC_BUCKETS,
      registers,
    });
    this.gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        // Node 16+ puts the GC kind in `detail` (a NodeGCPerformanceDetail).
        const detail = (entry as { detail?: { kind?: number } }).detail;
        const kind = GC_KINDS[detail?.kind ?? -1] ?? 'unknown';
        gc.observe({ kind }, entry.duration / 1000);
      }
    });
    this.gcObserver.observe({ entryTypes: ['gc'] });
  }

  stop(): void {
    this.eventLoop.disable();
    this.gcObserver.disconnect();
  }
}
