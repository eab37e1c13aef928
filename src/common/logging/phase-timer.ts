/** Wall time per named phase of a request, for debug logs ("where did this batch spend 2 s?"). */
export class PhaseTimer {
  private last = performance.now();
  private readonly phases: Record<string, number> = {};

  mark(phase: string): void {
    const now = performance.now();
    this.phases[phase] = Math.round((now - this.last) * 10) / 10;
    this.last = now;
  }

  durations(): Record<string, number> {
    return { ...this.phases };
  }
}
