/**
 * Fixed-size sample histories for the graphs: the newest sample last, at most `capacity`
 * kept (enough for the widest graph at 2 samples per cell), so memory never grows.
 */
export const HISTORY_CAPACITY = 480;

export class History {
  private buf: (number | null)[] = [];
  /** When each sample was taken (ms), where the caller said: what a graph's time span is read from. */
  private times: (number | undefined)[] = [];

  constructor(readonly capacity = HISTORY_CAPACITY) {}

  push(v: number | null, at?: number): void {
    this.buf.push(v);
    this.times.push(at);
    if (this.buf.length > this.capacity) {
      this.buf.splice(0, this.buf.length - this.capacity);
      this.times.splice(0, this.times.length - this.capacity);
    }
  }

  /**
   * The time (seconds) that `samples` samples cover at the recent pace: the average gap
   * between the newest timed samples, times the count. So a graph `samples` wide says how much
   * time its width shows even before it has filled, and a change of refresh shows in the span.
   * null with fewer than two timed samples.
   */
  span(samples: number): number | null {
    const recent = this.times.slice(-Math.max(2, samples)).filter((t): t is number => t !== undefined);
    if (recent.length < 2) return null;
    const gap = (recent[recent.length - 1] - recent[0]) / (recent.length - 1);
    return gap > 0 ? (gap * samples) / 1000 : null;
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
