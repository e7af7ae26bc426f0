/**
 * Real second users for the tests about what another local user can do (and about checks that
 * root bypasses). Running as root, the tests create them with useradd; otherwise they skip, with
 * the reason in the test name's `skipIf` (see NO_SECOND_USER).
 */
import { execFileSync, spawnSync, type SpawnSyncOptions, type SpawnSyncReturns } from 'node:child_process';

export interface TestUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

const isRoot = process.getuid?.() === 0;
let canAdd: boolean | undefined;

function hasUseradd(): boolean {
  if (canAdd === undefined) canAdd = isRoot && spawnSync('useradd', ['--help'], { stdio: 'ignore' }).status === 0;
  return canAdd;
}

/** Why tests needing a second user cannot run here, or '' when they can. */
export const NO_SECOND_USER: string = !isRoot ? 'needs root to create a second user' : hasUseradd() ? '' : 'needs useradd to create a second user';

function lookup(name: string): TestUser | null {
  const r = spawnSync('getent', ['passwd', name], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  const [, , uid, gid, , home] = r.stdout.trim().split(':');
  return { name, uid: Number(uid), gid: Number(gid), home };
}

/**
 * A local user for tests (created once per machine, reused after). `name` is a fixed role:
 * 'shoji-victim' runs shoji, 'shoji-attacker' prepares the trap.
 */
export function testUser(name: 'shoji-victim' | 'shoji-attacker' | 'shoji-other'): TestUser {
  const found = lookup(name);
  if (found) return found;
  if (NO_SECOND_USER) throw new Error(`cannot create user ${name}: ${NO_SECOND_USER}`);
  try {
    execFileSync('useradd', ['--create-home', '--user-group', '--shell', '/bin/sh', name], { stdio: 'pipe' });
  } catch (err) {
    // Another test file created it at the same moment.
    if (!lookup(name)) throw err;
  }
  return lookup(name)!;
}

/** Run a command as `user` (uid, gid, HOME; no supplementary groups). */
export function runAs(user: TestUser, command: string, args: string[], opts: SpawnSyncOptions = {}): SpawnSyncReturns<string> {
  return spawnSync(command, args, {
    encoding: 'utf8',
    timeout: 30_000,
    ...opts,
    uid: user.uid,
    gid: user.gid,
    env: { PATH: process.env.PATH, HOME: user.home, LANG: 'C.UTF-8', ...(opts.env ?? {}), USER: user.name, LOGNAME: user.name },
  }) as SpawnSyncReturns<string>;
}
