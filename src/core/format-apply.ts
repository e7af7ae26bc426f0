/**
 * A module's `format` and `format_short` (config.ts's HOST_KEYS) applied to what it collected:
 * the shown reading's text and short from the template filled with the module's data, and the
 * rings of recent values its sparklines draw (spark.ts). Done where a collect is recorded
 * (scheduler.ts's recordOutcome), for the one-shot `shoji status` and the long-lived processes
 * alike, so the status line, the dashboard's module lines and `shoji status --format json`'s
 * `text` all show the same text. State, icon, detail and data are the module's, unchanged; a
 * reading of null (the module has nothing to say) stays null.
 */
import type { AnyModule, Reading } from './contract.js';
import { fieldAt, type FieldInfo } from './format-fields.js';
import { compileFormat, type Placeholder, type Template } from './format.js';
import { fillTemplate, valueAt } from './format-render.js';
import { MAX_TEXT_CELLS } from './reading-check.js';
import { pushSample } from './spark.js';
import { displayWidth } from './width.js';
import { stripControl } from '../render/sanitize.js';

/** What of a resolved module (resolve.ts) formatting reads. */
export interface FormatTarget {
  def: AnyModule;
  /** The user's `format`, unless the module declares an option of that name itself. */
  format?: string;
  format_short?: string;
}

/** Sparklines' recent values, by placeholder name: what ModuleStatus.history holds. */
export type History = Record<string, number[]>;

/** Whether the module's text is the user's rather than its own. */
export function hasFormat(mod: FormatTarget): boolean {
  return mod.format !== undefined || mod.format_short !== undefined;
}

interface Compiled {
  template: Template;
  fieldOf(p: Placeholder): FieldInfo | undefined;
}

/** Compiled templates with their fields looked up once, by module and text. */
const compiled = new WeakMap<AnyModule, Map<string, Compiled | null>>();

function compiledFor(def: AnyModule, text: string): Compiled | null {
  let byText = compiled.get(def);
  if (!byText) {
    byText = new Map();
    compiled.set(def, byText);
  }
  let c = byText.get(text);
  if (c === undefined) {
    const template = compileFormat(text);
    if (template instanceof Error) c = null;
    else {
      const fields = new Map<Placeholder, FieldInfo | undefined>();
      for (const p of template.placeholders) {
        const info = def.data ? fieldAt(def.data, p.path) : undefined;
        fields.set(p, typeof info === 'string' ? undefined : info);
      }
      c = { template, fieldOf: (p) => fields.get(p) };
    }
    byText.set(text, c);
  }
  return c;
}

/**
 * The reading as shown: the module's own with its text (and short) from the user's formats.
 * A template the validator would refuse (it never reaches here: a broken config is not used)
 * leaves the module's own text.
 */
export function shownReading(mod: FormatTarget, reading: Reading | null, data: unknown, history: History | undefined, ascii: boolean): Reading | null {
  if (reading === null || !hasFormat(mod)) return reading;
  const fill = (text: string | undefined): string | undefined => {
    if (text === undefined) return undefined;
    const c = compiledFor(mod.def, text);
    return c ? clip(stripControl(fillTemplate(c.template, { data, fieldOf: c.fieldOf, history, ascii }))) : undefined;
  };
  const text = fill(mod.format) ?? reading.text;
  const short = fill(mod.format_short) ?? reading.short;
  const shown: Reading = { ...reading, text };
  if (short === undefined) delete shown.short;
  else shown.short = short;
  return shown;
}

/**
 * The rings after a collect that published `data`: one more value for each field a sparkline
 * shows (nothing kept for fields no format draws), each as long as its widest sparkline.
 * A field without a number this time keeps its ring as it was.
 */
export function nextHistory(mod: FormatTarget, data: unknown, history: History | undefined): History | undefined {
  const sizes = new Map<string, { size: number; path: (string | number)[] }>();
  for (const text of [mod.format, mod.format_short]) {
    if (text === undefined) continue;
    const c = compiledFor(mod.def, text);
    for (const p of c?.template.placeholders ?? []) {
      if (p.spec.spark !== undefined) sizes.set(p.name, { size: Math.max(p.spec.spark, sizes.get(p.name)?.size ?? 0), path: p.path });
    }
  }
  if (sizes.size === 0) return undefined;
  const next: History = {};
  for (const [name, { size, path }] of sizes) {
    const value = valueAt(data, path);
    const ring = history?.[name];
    if (typeof value === 'number' && Number.isFinite(value)) next[name] = pushSample(ring, value, size);
    else if (ring) next[name] = ring.slice(-size);
  }
  return next;
}

/** A segment's text is at most MAX_TEXT_CELLS cells (reading-check.ts): a long format is cut there. */
function clip(text: string): string {
  if (text.length <= MAX_TEXT_CELLS && displayWidth(text) <= MAX_TEXT_CELLS) return text;
  let out = '';
  for (const ch of text) {
    if (displayWidth(out + ch) > MAX_TEXT_CELLS) break;
    out += ch;
  }
  return out;
}
