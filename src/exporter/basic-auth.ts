/**
 * Basic auth against a web config's `basic_auth_users` (user -> bcrypt hash), as exporter-toolkit
 * checks it:
 *
 * - the user name is compared with every configured one in constant time, and an unknown user
 *   is checked against a stand-in hash, so the time taken does not say which names exist;
 * - answers are cached by (user, hash, password), hashed with SHA-256 so no password is kept,
 *   at most CACHE_SIZE of them: Prometheus sends the same credentials every scrape and pays
 *   bcrypt (tens of milliseconds in JavaScript) once, not every 15 seconds;
 * - bcrypt runs one at a time, with at most MAX_WAITING checks queued: someone guessing
 *   passwords costs one core's share of bcrypt at most, and a scraper whose answer is cached
 *   never waits behind them. Beyond the queue the answer is 'busy' (429).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';

const CACHE_SIZE = 100;
const MAX_WAITING = 8;
/** A bcrypt hash (cost 10) of a random password nobody knows: what an unknown user is checked against. */
const STAND_IN_HASH = '$2b$10$67vLrUSiLuE70ibrEX2sf.CgoHrD7i3Ke7cs7o3EQbCXlRAv57Qy.';

export type AuthAnswer = 'ok' | 'denied' | 'busy';

export class BasicAuth {
  private readonly users: { digest: Buffer; hash: string }[];
  private readonly cache = new Map<string, boolean>();
  private running: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  /** `compare` is bcrypt's; tests count its calls. */
  constructor(
    users: Map<string, string>,
    private readonly compare: (password: string, hash: string) => Promise<boolean> = bcrypt.compare,
  ) {
    this.users = [...users].map(([name, hash]) => ({ digest: sha256(name), hash }));
  }

  get enabled(): boolean {
    return this.users.length > 0;
  }

  /** Check an Authorization header's value. */
  async check(header: string | undefined): Promise<AuthAnswer> {
    const given = parseBasic(header);
    if (!given) return 'denied';
    const digest = sha256(given.user);
    let hash = STAND_IN_HASH;
    let known = false;
    // Every entry compared, none skipped: the loop takes as long whichever name matched.
    for (const u of this.users) {
      const same = timingSafeEqual(digest, u.digest);
      if (same && !known) {
        hash = u.hash;
        known = true;
      }
    }
    const key = sha256(`${given.user}\0${hash}\0${given.password}`).toString('hex');
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached && known ? 'ok' : 'denied';
    if (this.waiting >= MAX_WAITING) return 'busy';
    this.waiting++;
    const result = this.running.then(() => this.compare(given.password, hash));
    this.running = result.catch(() => false);
    let ok: boolean;
    try {
      ok = await result;
    } catch {
      ok = false;
    } finally {
      this.waiting--;
    }
    this.remember(key, ok);
    return ok && known ? 'ok' : 'denied';
  }

  private remember(key: string, ok: boolean): void {
    if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, ok);
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** `Basic base64(user:password)` -> its parts; anything else -> undefined. */
export function parseBasic(header: string | undefined): { user: string; password: string } | undefined {
  const m = header === undefined ? null : /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(header);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
