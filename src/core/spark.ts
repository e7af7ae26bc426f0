/**
 * Sparklines: a field's recent values as a row of block glyphs (`{cpu:spark}` in a format,
 * format.ts), and the small ring of values each one is drawn from.
 *
 * Scale: a ratio (0–1) on 0 to 1 and a percentage on 0 to 100, so that a full bar means full;
 * any other number on 0 to the largest value in the window, since it has no top of its own (a
 * rate, a temperature). Starting at zero rather than at the window's least value keeps a 1 %
 * wobble from drawing as a cliff.
 */

/** Eight levels, lowest first. */
export const SPARK_GLYPHS = '▁▂▃▄▅▆▇█';
/** The same eight levels in ASCII, for a locale that is not UTF-8 (core/locale.ts). */
export const SPARK_ASCII = '_.,-=+*#';

/** The values as a sparkline, one cell each, on 0..top (top: the window's largest when not given). */
export function sparkline(values: readonly number[], top: number | undefined, ascii: boolean): string {
  const glyphs = ascii ? SPARK_ASCII : SPARK_GLYPHS;
  const finite = values.filter((v) => Number.isFinite(v));
  const max = top ?? Math.max(0, ...finite);
  let out = '';
  for (const v of finite) {
    const share = max > 0 ? Math.min(1, Math.max(0, v / max)) : 0;
    out += glyphs[Math.min(glyphs.length - 1, Math.floor(share * glyphs.length))];
  }
  return out;
}

/** The ring after one more value: the newest last, at most `size` kept. */
export function pushSample(ring: readonly number[] | undefined, value: number, size: number): number[] {
  const next = [...(ring ?? []), value];
  return next.length > size ? next.slice(next.length - size) : next;
}

/** The most samples a ring may hold (format.ts's MAX_SPARK): a saved state holding more is not ours. */
export const MAX_RING = 60;

/** Why a saved set of rings cannot be used, or null: field name -> up to MAX_RING finite numbers. */
export function historyProblem(history: unknown): string | null {
  if (typeof history !== 'object' || history === null || Array.isArray(history)) return 'history must be a mapping';
  const entries = Object.entries(history);
  if (entries.length > 100) return 'history holds more than 100 fields';
  for (const [name, ring] of entries) {
    if (!Array.isArray(ring) || ring.length > MAX_RING || !ring.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      return `history.${name} must be a list of at most ${MAX_RING} numbers`;
    }
  }
  return null;
}
