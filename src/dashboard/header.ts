/**
 * The header's OS name, in the forms it can take when the line is short of room: osName() in
 * index.ts gives "Debian GNU/Linux 12 (bookworm), Linux 6.1.0" (the distribution's
 * PRETTY_NAME and the kernel); at 80 columns that alone would take half the line.
 */

/**
 * The OS name from the longest form to the shortest: as given; the distribution named short
 * ("Debian 12": no code name in parentheses, no "GNU/Linux" or "Linux" before the version)
 * with the kernel; the short distribution alone. A name without a distribution has one form.
 */
export function osForms(os: string): string[] {
  const m = /^(.+), (\S+ \S+)$/.exec(os);
  if (!m) return os ? [os] : [];
  const [, distro, kernel] = m;
  const short =
    distro
      .replace(/\s*\([^)]*\)/g, '')
      .replace(/\b(GNU\/)?Linux\s+(?=\d)/, '')
      .replace(/\s+/g, ' ')
      .trim() || distro;
  return [...new Set([os, `${short}, ${kernel}`, short])];
}
