/**
 * Text from outside (hostnames, SSIDs, script output, file contents, IMDS answers, interface
 * names) must reach the terminal as text. Control characters — C0 (ESC, BEL, screen's \005,
 * newlines), DEL, C1 and the bidirectional overrides — are removed for every status-line back end
 * and the dashboard; each renderer then escapes
 * its own markup characters. Messages printed to a terminal (errors, `--explain`, `shoji
 * modules`, reports) show them instead, escaped, so a user can see what a file really held.
 */
// Control characters, and the bidirectional overrides and isolates, which reorder what a terminal
// shows (another user's process name could make its row read as a neighbour's).
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const SHOWN_ESCAPED = CONTROL;

export function stripControl(text: string): string {
  return text.replace(CONTROL, '');
}

/** Control characters as visible escapes (`\x1b`, `\n`), for text printed to a terminal. */
export function escapeControl(text: string): string {
  return text.replace(SHOWN_ESCAPED, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\t') return '\\t';
    if (c === '\r') return '\\r';
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** escapeControl for a message of several lines: the newlines between them stay newlines. */
export function escapeControlLines(text: string): string {
  return text.split('\n').map(escapeControl).join('\n');
}

/** A value as an error message shows it: JSON, cut at 40 characters, control characters escaped. */
export function shownValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value) ?? String(value);
  return escapeControl(json.length > 40 ? `${json.slice(0, 40)}...` : json);
}
