/**
 * The JSON output's shape (`shoji status --format json`): the readings themselves (text, state,
 * data) for scripts and other bars. JSON.stringify escapes every string, so outside text cannot
 * break the structure.
 */

export interface JsonSegment {
  id: string;
  text: string;
  short?: string;
  state: string;
  icon?: string;
  data?: unknown;
  pending?: boolean;
  error?: string;
}
