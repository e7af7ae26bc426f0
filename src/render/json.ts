/**
 * JSON back end: the readings themselves (text, state, data) for scripts and other bars.
 * Strings are JSON-escaped, so outside text cannot break the structure.
 */
import type { Segment } from './segments.js';

export interface JsonSegment {
  id: string;
  text: string;
  short?: string;
  state: string;
  icon?: string;
  data?: unknown;
  pending?: boolean;
  error?: string;
  ageSeconds?: number;
}

export function renderJson(sides: Record<string, JsonSegment[]>): string {
  return JSON.stringify(sides);
}

/** Segments to their JSON shape (used when no richer reading information is at hand). */
export function segmentsToJson(segments: Segment[]): JsonSegment[] {
  return segments.map(({ id, text, short, state, icon }) => ({ id, text, short, state, icon }));
}
