/**
 * How many colours a terminal shows, from the environment (for the ANSI back end): 0 none,
 * 1 the basic 16, 2 the 256-colour palette, 3 24-bit. NO_COLOR (https://no-color.org: set and
 * not empty) turns colour off whatever the terminal can do; TERM=dumb has none.
 */
export type ColourLevel = 0 | 1 | 2 | 3;

export function colourLevel(env: NodeJS.ProcessEnv): ColourLevel {
  if (env.NO_COLOR) return 0;
  if (env.TERM === 'dumb') return 0;
  if (/truecolor|24bit/i.test(env.COLORTERM ?? '')) return 3;
  if (/256/.test(env.TERM ?? '')) return 2;
  return 1;
}
