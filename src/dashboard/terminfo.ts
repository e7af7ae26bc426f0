/**
 * Why blessed printed a 13-line "Error on screen-256color.plab_norm" before its first frame,
 * and the fix.
 *
 * ncurses 6.1 added a second compiled terminfo format (magic 01036) whose numbers are 32-bit,
 * and its tic writes it whenever an entry has a number above 32767 — every *-256color entry
 * does (pairs#0x10000). blessed 0.1.81 knows only the legacy format (magic 0432, 16-bit
 * numbers): it reads the file as legacy, so every string offset after the numbers is off by
 * 2 bytes per number, capabilities get fragments of other strings, compiling one of them
 * (plab_norm, a slice of sgr) fails, blessed console.error()s the generated code and falls
 * back to its bundled xterm entry. Under TERM=linux (no big numbers, legacy format) it never
 * happened; under screen-256color, tmux-256color and xterm-256color it did.
 *
 * The fix gives blessed what it understands: the same entry rewritten in the legacy format,
 * numbers clamped to 32767 exactly as ncurses does for legacy readers. Nothing else changes,
 * so blessed uses the terminal's real capabilities instead of xterm's.
 */

const LEGACY_MAGIC = 0o432;
const EXTENDED_NUMBERS_MAGIC = 0o1036;

/** Rewrite a compiled terminfo entry in the legacy format; other data comes back unchanged. */
export function toLegacyTerminfo(data: Buffer): Buffer {
  if (data.length < 12 || data.readUInt16LE(0) !== EXTENDED_NUMBERS_MAGIC) return data;
  const out: Buffer[] = [];
  let i = 0;
  const take = (n: number) => {
    const part = data.subarray(i, i + n);
    if (part.length !== n) throw new Error('truncated terminfo entry');
    i += n;
    return part;
  };
  const numbers = (count: number) => {
    const b = Buffer.alloc(count * 2);
    for (let k = 0; k < count; k++) {
      const v = take(4).readInt32LE(0);
      // -1 (absent) and -2 (cancelled) stay as they are; larger values clamp, as ncurses' legacy writer does.
      b.writeInt16LE(v < 0 ? Math.max(v, -2) : Math.min(v, 0x7fff), k * 2);
    }
    return b;
  };

  const header = Buffer.from(take(12));
  header.writeUInt16LE(LEGACY_MAGIC, 0);
  const nameSize = header.readUInt16LE(2);
  const boolCount = header.readUInt16LE(4);
  const numCount = header.readUInt16LE(6);
  const strCount = header.readUInt16LE(8);
  const strSize = header.readUInt16LE(10);
  out.push(header, take(nameSize), take(boolCount));
  if ((nameSize + boolCount) % 2) out.push(take(1));
  out.push(numbers(numCount), take(strCount * 2), take(strSize));

  // The extended (user-defined capability) section, when present, uses the same number size.
  if (i % 2 && i < data.length) out.push(take(1));
  if (data.length - i >= 10) {
    const ext = take(10);
    const extBools = ext.readUInt16LE(0);
    const extNums = ext.readUInt16LE(2);
    const extStrs = ext.readUInt16LE(4);
    const extTable = ext.readUInt16LE(8);
    out.push(ext, take(extBools));
    if (extBools % 2) out.push(take(1));
    out.push(numbers(extNums), take((extStrs + extBools + extNums + extStrs) * 2), take(extTable));
  }
  return Buffer.concat(out);
}

/**
 * Box lines as text, never through the terminal's alternate character set; ASCII on a screen
 * that is not unicode.
 *
 * blessed, like ncurses, draws ─│┌┐ through ACS (`smacs`, then `q`, `x`, `l`, `k`) on every
 * terminal whose terminfo has no U8 capability (screen, screen-256color, xterm-256color). The
 * screen looks right, but what the terminal stores are the letters: tmux's `capture-pane -p`,
 * copy-mode, screen's hardcopy and logs all show `lqqk`. So blessed is told the ACS is
 * unusable, as NCURSES_NO_UTF8_ACS=1 tells ncurses, and sends the characters themselves.
 *
 * Where the terminfo says U8#1 (tmux-256color does), blessed sends every character as it is,
 * UTF-8, whatever the locale says. Under a locale that is not UTF-8 (LANG=C) the user's
 * terminal shows that as `?` or worse, so there the screen is told U8 is off: blessed then
 * sends its ASCII stand-ins for box lines (`+-|`) and `?` for other characters.
 */
export function drawLinesAsText(tput: { brokenACS: boolean; numbers: Record<string, number | undefined> }, unicode: boolean): void {
  tput.brokenACS = true;
  if (!unicode && tput.numbers.U8 === 1) tput.numbers.U8 = 0;
}
