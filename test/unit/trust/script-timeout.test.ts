/**
 * A script that overruns its timeout is killed with its process group, and the host closes
 * its ends of the pipes even when a child escaped the group (setsid) and holds them open:
 * a long-lived daemon must not leak descriptors on every timeout.
 */
import { chmodSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectModule } from '../../../src/core/collect.js';
import { findScripts, scriptModule } from '../../../src/core/scripts.js';
import { fixtureTree, type FixtureTree } from '../../helpers/context.js';
import { resolved } from '../../helpers/resolved.js';

let tree: FixtureTree;
beforeEach(() => {
  tree = fixtureTree();
});
afterEach(() => tree.cleanup());

/** Open descriptors of this process that lead to a pipe or a socket (libuv's stdio pipes are socket pairs). */
const pipes = () =>
  readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return /^(pipe|socket):/.test(readlinkSync(`/proc/self/fd/${fd}`));
    } catch {
      return false;
    }
  }).length;

describe('script timeouts', () => {
  it('close the pipes a child that escaped with setsid still holds', async () => {
    const marker = join(tree.dir, 'escaped.pid');
    // The escaped child keeps stdout and stderr open for a minute; the script itself hangs too.
    const file = tree.write('s/1_stuck', `#!/bin/sh\nsetsid sh -c 'echo $$ >> ${marker}; exec sleep 60' &\nexec sleep 60\n`);
    chmodSync(file, 0o755);
    const mod = scriptModule(findScripts([join(tree.dir, 's')])[0]);
    const before = pipes();
    for (let i = 0; i < 3; i++) {
      const outcome = await collectModule(resolved(mod), { PATH: process.env.PATH }, undefined, 300);
      expect(outcome.ok).toBe(false);
      await outcome.pending;
    }
    // Give the streams' close a turn of the event loop.
    await new Promise((r) => setTimeout(r, 100));
    expect(pipes()).toBe(before);
    // The escaped children are ours to clean up: each wrote its pid.
    for (const pid of readFileSync(marker, 'utf8').split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
});
