/**
 * Basic auth against a web config's `basic_auth_users` (user -> bcrypt hash), as exporter-toolkit
 * checks it:
 *
 * - the user name is compared with every configured one in constant time, and an unknown user
 *   is checked against a stand-in hash made at start with the highest cost among the configured
 *   hashes, so the time taken does not say which names exist (when the hashes share one cost,
 *   as htpasswd makes them; a user whose hash is cheaper than the others answers faster);
 * - successes are remembered by (user, hash, password), hashed with SHA-256 so no password is
 *   kept, at most CACHE_SIZE of them: Prometheus sends the same credentials every scrape and
 *   pays bcrypt (tens of milliseconds in JavaScript) once, not every 15 seconds. Failures are
 *   never remembered, so however many wrong passwords someone tries, they cannot push the
 *   scraper's entry out;
 * - bcrypt runs one at a time, with at most MAX_WAITING checks queued, MAX_WAITING_PER_CLIENT
 *   of them from one client (an address; an IPv6 /64): someone guessing passwords costs one
 *   core's share of bcrypt at most and, from one place, leaves room in the queue for the
 *   scraper's first check; a scraper whose success is remembered is answered before the queue
 *   and never waits behind them. Beyond the queue the answer is 'busy' (429).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';

const CACHE_SIZE = 100;
const MAX_WAITING = 8;
const MAX_WAITING_PER_CLIENT = 2;
/** The stand-in's cost when no hash says otherwise (htpasswd -B's is 5, exporter-toolkit's docs use 10). */
const DEFAULT_COST = 10;

export type AuthAnswer = 'ok' | 'denied' | 'busy';

export class BasicAuth {
  private readonly users: { digest: Buffer; hash: string }[];
  /** What an unknown user is checked against: a hash of a random password nobody knows. */
  private readonly standIn: string;
  /** Keys of (user, hash, password) that passed, least recently used first. */
  private readonly passed = new Set<string>();
  private running: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  private readonly waitingFrom = new Map<string, number>();

  /** `compare` is bcrypt's; tests count its calls. */
  constructor(
    users: Map<string, string>,
    private readonly compare: (password: string, hash: string) => Promise<boolean> = bcrypt.compare,
  ) {
    this.users = [...users].map(([name, hash]) => ({ digest: sha256(name), hash }));
    const costs = this.users.map((u) => bcryptCost(u.hash)).filter((c) => c !== undefined);
    // bcrypt's costs run from 4 to 31 (web-config.ts refuses others).
    const cost = Math.min(31, Math.max(4, costs.length > 0 ? Math.max(...costs) : DEFAULT_COST));
    this.standIn = this.users.length > 0 ? bcrypt.hashSync(randomBytes(18).toString('base64'), cost) : '';
  }

  get enabled(): boolean {
    return this.users.length > 0;
  }

  /** Check an Authorization header's value, sent by `client` (its address, '' when unknown). */
  async check(header: string | undefined, client = ''): Promise<AuthAnswer> {
    const given = parseBasic(header);
    if (!given) return 'denied';
    const digest = sha256(given.user);
    let hash = this.standIn;
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
    if (known && this.passed.has(key)) {
      this.passed.delete(key); // most recently used last
      this.passed.add(key);
      return 'ok';
    }
    // An unknown client ('') has no share of its own: only the whole queue's limit holds.
    const from = clientKey(client);
    const fromThere = this.waitingFrom.get(from) ?? 0;
    if (this.waiting >= MAX_WAITING || (from !== '' && fromThere >= MAX_WAITING_PER_CLIENT)) return 'busy';
    this.waiting++;
    this.waitingFrom.set(from, fromThere + 1);
    const result = this.running.then(() => this.compare(given.password, hash));
    this.running = result.catch(() => false);
    let ok: boolean;
    try {
      ok = await result;
    } catch {
      ok = false;
    } finally {
      this.waiting--;
      const left = (this.waitingFrom.get(from) ?? 1) - 1;
      if (left > 0) this.waitingFrom.set(from, left);
      else this.waitingFrom.delete(from);
    }
    if (!(ok && known)) return 'denied';
    this.remember(key);
    return 'ok';
  }

  /** Only successes: only someone who knows a password can add one, so guesses evict nothing. */
  private remember(key: string): void {
    this.passed.delete(key);
    if (this.passed.size >= CACHE_SIZE) this.passed.delete(this.passed.values().next().value as string);
    this.passed.add(key);
  }
}

/**
 * Whose share of the queue a check takes: an IPv4 address, or an IPv6 address's /64 (one
 * host is handed a whole /64 and can send from any address in it).
 */
export function clientKey(address: string): string {
  const v4 = /^(?:::ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (v4 || !address.includes(':')) return v4 ? v4[1] : address;
  const [head, tail] = address.toLowerCase().split('%')[0].split('::');
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** The cost of a bcrypt hash ($2b$10$... -> 10), or undefined. */
function bcryptCost(hash: string): number | undefined {
  const m = /^\$2[aby]?\$(\d\d)\$/.exec(hash);
  return m ? Number(m[1]) : undefined;
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
