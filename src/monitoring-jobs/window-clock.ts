/**
 * Window arithmetic for scheduled re-checks. The window end is the tick time floored to the
 * window's alignment (UTC, counted from the Unix epoch), so instances whose timers fire a few
 * hundred milliseconds apart — or one that fires late — compute the same (window kind, window
 * end) key, and the unique index on drift reports turns the second run into a no-op.
 */

const MINUTE_MS = 60_000;

export interface WindowBounds {
  start: Date;
  end: Date;
}

export function alignWindowEnd(at: Date, alignMinutes: number): Date {
  const step = alignMinutes * MINUTE_MS;
  return new Date(Math.floor(at.getTime() / step) * step);
}

export function windowBounds(end: Date, lengthMinutes: number): WindowBounds {
  return { start: new Date(end.getTime() - lengthMinutes * MINUTE_MS), end };
}
