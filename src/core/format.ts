/**
 * Format strings: what a module's `format` (and `format_short`) key says its text is, with
 * placeholders for the data it publishes. docs/format.md is the user's page; in short:
 *
 *   M {used}/{total}[ swap {swap_used}] {ratio:>4.1%} {ratio:spark}
 *
 * - `{field}` is a field of the module's data as its declaration names it (docs/modules.md);
 *   a row's field by its index, `{batteries.0.percent}`.
 * - `{field:spec}`: `[<>^][width][.precision][kind]` (kind: `%`, `n`, `t`, `b`, `B`, `K`, `M`,
 *   `G`, `T`; src/core/format-value.ts), or `spark` / `spark12` for a sparkline of its history.
 * - `[...]` is an optional part: gone when a placeholder directly inside it has no value (the
 *   field absent or null). Outside one, a placeholder with no value shows `--`, the text
 *   modules show for "no value yet".
 * - `\{ \} \[ \] \\` are the literal characters.
 *
 * A template is parsed once per process (cached by its text): the status line parses each
 * module's format on every `shoji status`, and a parse is a few µs.
 */

/** How one placeholder's value is shown (format-value.ts renders it). */
export interface Spec {
  align?: '<' | '>' | '^';
  width?: number;
  precision?: number;
  /** The kind the value is shown as; absent: as its unit reads (format-value.ts's defaultKind). */
  kind?: Kind;
  /** A sparkline of this many samples instead of the value. */
  spark?: number;
}

/** `%` percent, `n` a plain number, `t` a duration, `b` bytes scaled, `B`..`T` bytes in that unit. */
export const KINDS = ['%', 'n', 't', 'b', 'B', 'K', 'M', 'G', 'T'] as const;
export type Kind = (typeof KINDS)[number];

/** The default and the widest sparkline: a status line has room for a few dozen cells at most. */
export const DEFAULT_SPARK = 8;
export const MAX_SPARK = 60;
/** A width wider than a status line is a typo. */
export const MAX_FIELD_WIDTH = 200;
export const MAX_PRECISION = 6;

export interface Placeholder {
  type: 'field';
  /** The field as written: `used`, `batteries.0.percent`. */
  name: string;
  /** Its path into the data: names, and row indexes as numbers. */
  path: (string | number)[];
  spec: Spec;
  /** Where it starts in the template (for messages). */
  at: number;
}

export type Part = string | Placeholder | { type: 'optional'; parts: Part[] };

export interface Template {
  parts: Part[];
  /** Every placeholder, in order, nested ones too. */
  placeholders: Placeholder[];
}

/** A template that cannot be parsed: the reason and where (0-based offset in the text). */
export class FormatError extends Error {
  override name = 'FormatError';
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

/** Longer templates are refused: a segment's text is at most 512 cells anyway. */
export const MAX_TEMPLATE_CHARS = 2000;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const INDEX = /^(0|[1-9][0-9]{0,3})$/;
const SPEC = /^([<>^])?([0-9]+)?(?:\.([0-9]+))?([%ntbBKMGT])?$/;
const SPARK = /^spark([0-9]+)?$/;

const cache = new Map<string, Template | FormatError>();

/** The parsed template, or why it cannot be: cached by text for the life of the process. */
export function compileFormat(text: string): Template | FormatError {
  let t = cache.get(text);
  if (t === undefined) {
    try {
      t = parseFormat(text);
    } catch (err) {
      if (!(err instanceof FormatError)) throw err;
      t = err;
    }
    // A process sees a handful of formats; a bound keeps a reloading daemon from growing.
    if (cache.size > 500) cache.clear();
    cache.set(text, t);
  }
  return t;
}

/** Parse a template; throws FormatError with the offset of the problem. */
export function parseFormat(text: string): Template {
  if (text.length > MAX_TEMPLATE_CHARS) throw new FormatError(`a format may be at most ${MAX_TEMPLATE_CHARS} characters (this one is ${text.length})`, 0);
  const placeholders: Placeholder[] = [];
  // A stack of open optional parts; the bottom is the template itself.
  const stack: { parts: Part[]; at: number }[] = [{ parts: [], at: 0 }];
  let literal = '';
  const flush = () => {
    if (literal !== '') stack[stack.length - 1].parts.push(literal);
    literal = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      const next = text[i + 1];
      if (next === undefined || !'{}[]\\'.includes(next)) {
        throw new FormatError(`"\\" escapes only { } [ ] and \\ (write \\\\ for a backslash)`, i);
      }
      literal += next;
      i++;
    } else if (c === '{') {
      const end = text.indexOf('}', i + 1);
      if (end === -1) throw new FormatError('"{" is not closed by "}" (write \\{ for a brace)', i);
      flush();
      const p = placeholder(text.slice(i + 1, end), i);
      placeholders.push(p);
      stack[stack.length - 1].parts.push(p);
      i = end;
    } else if (c === '}') {
      throw new FormatError('"}" without "{" (write \\} for a brace)', i);
    } else if (c === '[') {
      flush();
      stack.push({ parts: [], at: i });
    } else if (c === ']') {
      if (stack.length === 1) throw new FormatError('"]" without "[" (write \\] for a bracket)', i);
      flush();
      const done = stack.pop()!;
      stack[stack.length - 1].parts.push({ type: 'optional', parts: done.parts });
    } else {
      literal += c;
    }
  }
  if (stack.length > 1) throw new FormatError('"[" is not closed by "]" (write \\[ for a bracket)', stack[stack.length - 1].at);
  flush();
  return { parts: stack[0].parts, placeholders };
}

function placeholder(inside: string, at: number): Placeholder {
  const colon = inside.indexOf(':');
  const name = (colon === -1 ? inside : inside.slice(0, colon)).trim();
  const specText = colon === -1 ? '' : inside.slice(colon + 1);
  if (name === '') throw new FormatError('a placeholder needs a field name, as in {used}', at);
  const segments = name.split('.');
  if (!NAME.test(segments[0]) || !segments.slice(1).every((s) => NAME.test(s) || INDEX.test(s))) {
    throw new FormatError(`"${name}" is not a field name (letters, digits and _, a row by its index: batteries.0.percent)`, at);
  }
  const path = segments.map((s) => (INDEX.test(s) ? Number(s) : s));
  return { type: 'field', name, path, spec: parseSpec(specText, name, at), at };
}

function parseSpec(text: string, name: string, at: number): Spec {
  if (text === '') return {};
  const spark = SPARK.exec(text);
  if (spark) {
    const n = spark[1] === undefined ? DEFAULT_SPARK : Number(spark[1]);
    if (n < 1 || n > MAX_SPARK) throw new FormatError(`{${name}:${text}}: a sparkline is 1 to ${MAX_SPARK} samples wide`, at);
    return { spark: n };
  }
  const m = SPEC.exec(text);
  if (!m) {
    throw new FormatError(`{${name}:${text}}: "${text}" is not a spec: [<>^][width][.precision][kind] (kind: ${KINDS.join(' ')}), or spark / spark12`, at);
  }
  const spec: Spec = {};
  if (m[1]) spec.align = m[1] as Spec['align'];
  if (m[2] !== undefined) {
    spec.width = Number(m[2]);
    if (spec.width > MAX_FIELD_WIDTH) throw new FormatError(`{${name}:${text}}: a width is at most ${MAX_FIELD_WIDTH}`, at);
  }
  if (m[3] !== undefined) {
    spec.precision = Number(m[3]);
    if (spec.precision > MAX_PRECISION) throw new FormatError(`{${name}:${text}}: a precision is at most ${MAX_PRECISION}`, at);
  }
  if (m[4]) spec.kind = m[4] as Kind;
  return spec;
}
