/** Append-only typed arrays (amortised doubling) for streaming results of unknown length. */

export class GrowableFloat64 {
  private data = new Float64Array(1024);
  length = 0;

  append(values: ArrayLike<number>): void {
    if (this.length + values.length > this.data.length) {
      const next = new Float64Array(Math.max(this.data.length * 2, this.length + values.length));
      next.set(this.data.subarray(0, this.length));
      this.data = next;
    }
    this.data.set(values, this.length);
    this.length += values.length;
  }

  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

export class GrowableUint8 {
  private data = new Uint8Array(1024);
  length = 0;

  append(values: ArrayLike<number>): void {
    if (this.length + values.length > this.data.length) {
      const next = new Uint8Array(Math.max(this.data.length * 2, this.length + values.length));
      next.set(this.data.subarray(0, this.length));
      this.data = next;
    }
    this.data.set(values, this.length);
    this.length += values.length;
  }

  view(): Uint8Array {
    return this.data.subarray(0, this.length);
  }
}
