/**
 * Where things are in a JSON text: the offset of every key and value by its path, and the
 * first syntax error with its offset. Used only to point at a problem in a theme file, after
 * JSON.parse (which does the real parsing) failed or the parsed value was refused.
 *
 * Written here rather than taken from a package: Node 20's JSON.parse gives no position for
 * many errors ("Unexpected token ..."); the themes are read synchronously on the start-up path
 * of every `shoji status`, where a parser package would be one more thing to load; and a
 * strict scanner of valid JSON is short. It accepts exactly JSON (no comments, no trailing
 * commas), as JSON.parse does.
 */

export interface JsonScan {
  /** Offset of each object key's opening quote, by pathKey(path). */
  keyAt: Map<string, number>;
  /** Offset of each value's first character, by pathKey(path) ('[]' for the whole text). */
  valueAt: Map<string, number>;
  /** The first syntax error, when the text is not JSON. */
  error?: { offset: number; message: string };
}

/** Nesting deeper than this is no theme: stop rather than recurse without bound. */
const MAX_DEPTH = 64;

export function pathKey(path: readonly (string | number)[]): string {
  return JSON.stringify(path);
}

class Stop {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const ESCAPE = /\\(["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

export function scanJson(text: string): JsonScan {
  const keyAt = new Map<string, number>();
  const valueAt = new Map<string, number>();
  let i = 0;
  const fail = (message: string, at = i): never => {
    throw new Stop(at, message);
  };
  const found = () => (i >= text.length ? 'the end of the file' : JSON.stringify(text[i]));
  const space = () => {
    while (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r') i++;
  };
  const string = (): string => {
    const start = i++;
    for (;;) {
      const c = text[i];
      if (c === undefined) fail('a string is not closed (no ending ")', start);
      if (c === '"') break;
      if (c === '\n') fail('a string is not closed on its line (no ending ")', start);
      if (c === '\\') {
        ESCAPE.lastIndex = i;
        if (!ESCAPE.test(text)) fail('not a JSON escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX)');
        i = ESCAPE.lastIndex;
      } else if (c < ' ') {
        fail('a control character inside a string (write it as \\n, \\t or \\u00XX)');
      } else i++;
    }
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: (string | number)[]): void => {
    if (path.length > MAX_DEPTH) fail(`nested more than ${MAX_DEPTH} deep`);
    space();
    valueAt.set(pathKey(path), i);
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      space();
      if (text[i] === close) {
        i++;
        return;
      }
      for (let n = 0; ; n++) {
        space();
        if (c === '{') {
          if (text[i] !== '"') fail(text[i] === '}' ? 'a comma before "}" (JSON allows none)' : `expected a key in double quotes, found ${found()}`);
          const at = i;
          const key = string();
          keyAt.set(pathKey([...path, key]), at);
          space();
          if (text[i] !== ':') fail(`expected ":" after the key ${JSON.stringify(key)}, found ${found()}`);
          i++;
          value([...path, key]);
        } else {
          if (text[i] === ']') fail('a comma before "]" (JSON allows none)');
          value([...path, n]);
        }
        space();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === close) {
          i++;
          return;
        }
        fail(`expected "," or "${close}", found ${found()}`);
      }
    }
    if (c === '"') {
      string();
      return;
    }
    NUMBER.lastIndex = i;
    if (NUMBER.test(text)) {
      i = NUMBER.lastIndex;
      return;
    }
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    fail(`expected a value (a string in double quotes, a number, true, false, null, { or [), found ${found()}`);
  };
  try {
    value([]);
    space();
    if (i < text.length) fail(`more after the end of the JSON value: ${found()}`);
  } catch (err) {
    if (err instanceof Stop) return { keyAt, valueAt, error: { offset: err.offset, message: err.message } };
    throw err;
  }
  return { keyAt, valueAt };
}

/** 1-based line and column of an offset (columns count UTF-16 units, as editors mostly do). */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
