export interface EventuallyOptions {
  /** How long to keep probing before giving up (default 30 s). */
  timeoutMs?: number;
  /** Pause between two probes (default 100 ms). */
  intervalMs?: number;
  /** What the test waits for, named in the timeout error (a function for text known only then, e.g. a log). */
  what?: string | (() => string);
}

/**
 * Probes until it returns a value (anything but undefined, false or null) and returns that value.
 * A probe that throws counts as "not yet"; on timeout the error names `what` and the last thrown
 * error, so a failing test says what it waited for instead of only "timeout".
 */
export async function eventually<T>(probe: () => Promise<T | undefined | false | null>, options: EventuallyOptions = {}): Promise<T> {
  const { timeoutMs = 30_000, intervalMs = 100, what = 'a condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false && value !== null) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const described = typeof what === 'function' ? what() : what;
      const cause = lastError ? `; last error: ${lastError instanceof Error ? lastError.message : String(lastError)}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${described}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
