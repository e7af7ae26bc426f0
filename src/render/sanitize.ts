/**
 * Text from outside (hostnames, SSIDs, script output, file contents) must reach the terminal
 * as text. Control characters — C0 (ESC, BEL, screen's \005, newlines), DEL and C1 — are
 * removed for every back end; each renderer then escapes its own markup characters.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

export function stripControl(text: string): string {
  return text.replace(CONTROL, '');
}
