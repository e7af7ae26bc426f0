/**
 * Fixed-size sample histories for the graphs: the newest sample last, at most `capacity`
 * kept (enough for the widest graph at 2 samples per cell), so memory never grows.
 */
export const HISTORY_CAPACITY = 480;

export class History {
  private buf: (number | null)[] = [];

  constructor(readonly capacity = HISTORY_CAPACITY) {}

  push(v: number | null): void {
    this.buf.push(v);
    if (this.buf.length > this.capacity) this.buf.splice(0, this.buf.length - this.capacity);
  }

  values(): readonly (number | null)[] {
    return this.buf;
  }

  last(): number | null {
    return this.buf.length > 0 ? this.buf[this.buf.length - 1] : null;
  }

  /** The largest recent value (for auto-scaled graphs such as network rates). */
  max(recent = this.capacity): number {
    let m = 0;
    for (const v of this.buf.slice(-recent)) if (v !== null && v > m) m = v;
    return m;
  }
}

/** Histories by key, created on first use (per core, per interface...). */
export class Histories {
  private map = new Map<string, History>();

  get(key: string): History {
    let h = this.map.get(key);
    if (!h) {
      h = new History();
      this.map.set(key, h);
    }
    return h;
  }

  has(key: string): boolean {
    return this.map.has(key);
  }
}
