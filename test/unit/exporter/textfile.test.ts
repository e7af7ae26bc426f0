/**
 * DIR/shoji.prom for node_exporter's textfile collector: written whole or not at all (a reader in
 * another process never sees half a file), never through a link, readable by node_exporter's
 * user whatever the umask, into a folder nobody else could write. Real files and processes.
 */
import { spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exposition } from '../../../src/exporter/exposition.js';
import { STALE_TEMP_MS, TEXTFILE_NAME, textfileFolderProblem, writeTextfile } from '../../../src/exporter/textfile.js';

let base: string;
let dir: string;
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'shoji-textfile-'));
  dir = join(base, 'node-exporter');
  mkdirSync(dir, { mode: 0o755 });
  chmodSync(dir, 0o755);
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

describe('writing shoji.prom', () => {
  it('replaces the file whole, leaves no temporary file, and makes it readable by node_exporter whatever the umask', () => {
    const old = process.umask(0o077);
    try {
      writeTextfile(dir, 'shoji_load1 0.5\n');
      writeTextfile(dir, 'shoji_load1 0.75\n');
    } finally {
      process.umask(old);
    }
    expect(readFileSync(join(dir, TEXTFILE_NAME), 'utf8')).toBe('shoji_load1 0.75\n');
    expect(readdirSync(dir)).toEqual([TEXTFILE_NAME]);
    expect(statSync(join(dir, TEXTFILE_NAME)).mode & 0o777).toBe(0o644);
  });

  it('a reader in another process sees the old file or the new one, never a part', async () => {
    const a = `# a\n${'shoji_a 1\n'.repeat(100_000)}`;
    const b = `# b\n${'shoji_b 2\n'.repeat(100_000)}`;
    writeTextfile(dir, a);
    const file = join(dir, TEXTFILE_NAME);
    // Reads as fast as it can until told to stop, counting reads that were neither a nor b.
    const reader = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('fs'); let bad = 0, reads = 0;
         process.stdin.on('data', () => { console.log(JSON.stringify({ bad, reads })); process.exit(0); });
         (function loop() { for (let i = 0; i < 50; i++) { const t = fs.readFileSync(${JSON.stringify(file)}, 'utf8'); reads++;
           if (t.length !== ${a.length} || !(t.startsWith('# a') || t.startsWith('# b'))) bad++; } setImmediate(loop); })();`,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    let out = '';
    reader.stdout.on('data', (d) => {
      out += d;
    });
    for (let i = 0; i < 300; i++) writeTextfile(dir, i % 2 ? a : b);
    reader.stdin.write('stop\n');
    await new Promise((r) => reader.once('exit', r));
    const { bad, reads } = JSON.parse(out) as { bad: number; reads: number };
    expect(reads).toBeGreaterThan(0);
    expect(bad).toBe(0);
  });

  it('replaces a link placed at shoji.prom instead of writing through it', () => {
    const victim = join(base, 'victim');
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, join(dir, TEXTFILE_NAME));
    writeTextfile(dir, 'shoji_load1 0.5\n');
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(lstatSync(join(dir, TEXTFILE_NAME)).isSymbolicLink()).toBe(false);
  });
});

describe('a folder swapped while it is written', () => {
  /** Whoever owns DIR's parent moves DIR away and puts a link to another folder in its place. */
  function swapForLink(victim: string) {
    return () => {
      renameSync(dir, `${dir}.moved`);
      symlinkSync(victim, dir);
    };
  }

  it('writes into the folder it opened and checked, never where a link put in its place points', () => {
    const victim = join(base, 'victim');
    mkdirSync(victim, { mode: 0o755 });
    writeTextfile(dir, 'shoji_load1 0.5\n', { afterOpen: swapForLink(victim) });
    expect(readdirSync(victim)).toEqual([]);
    expect(readFileSync(join(`${dir}.moved`, TEXTFILE_NAME), 'utf8')).toBe('shoji_load1 0.5\n');
    expect(readdirSync(`${dir}.moved`)).toEqual([TEXTFILE_NAME]);
  });

  it('without /proc, sees the swap and refuses, writing nothing anywhere', () => {
    const victim = join(base, 'victim');
    mkdirSync(victim, { mode: 0o755 });
    expect(() => writeTextfile(dir, 'shoji_load1 0.5\n', { afterOpen: swapForLink(victim), withoutProc: true })).toThrow(
      `cannot write ${join(dir, TEXTFILE_NAME)}: the folder changed while it was being written (swapped for a link?)`,
    );
    expect(readdirSync(victim)).toEqual([]);
    expect(readdirSync(`${dir}.moved`)).toEqual([]);
    // Unswapped, the same path works.
    writeTextfile(`${dir}.moved`, 'shoji_load1 0.5\n', { withoutProc: true });
    expect(readdirSync(`${dir}.moved`)).toEqual([TEXTFILE_NAME]);
  });
});

describe('temporary files left behind', () => {
  it('removes its own left over more than a minute, and nothing else', () => {
    const old = (Date.now() - STALE_TEMP_MS - 5_000) / 1000;
    const place = (name: string, age: 'old' | 'new') => {
      writeFileSync(join(dir, name), 'half a file');
      if (age === 'old') utimesSync(join(dir, name), old, old);
      return name;
    };
    place('.shoji.prom.4242.k2j3h4.tmp', 'old');
    const fresh = place('.shoji.prom.4243.abc.tmp', 'new'); // another writer, at work now
    const others = [place('.other.prom.1.a.tmp', 'old'), place('notes.tmp', 'old'), place('node.prom', 'old')];
    symlinkSync('/etc/hostname', join(dir, '.shoji.prom.4244.lnk.tmp'));
    writeTextfile(dir, 'shoji_load1 0.5\n');
    expect(readdirSync(dir).sort()).toEqual([...others, fresh, '.shoji.prom.4244.lnk.tmp', TEXTFILE_NAME].sort());
  });
});

describe('the folder it writes into', () => {
  it('takes a folder of yours or root, writable by nobody else', () => {
    expect(textfileFolderProblem(dir)).toBeNull();
  });

  it('refuses a link to a folder, naming the reason', () => {
    const link = join(base, 'link');
    symlinkSync(dir, link);
    expect(textfileFolderProblem(link)).toBe('it is a symlink (give the folder it points to)');
    expect(() => writeTextfile(link, 'x\n')).toThrow(`refusing ${link}: it is a symlink`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a folder others or its group could write, and says how to fix it', () => {
    chmodSync(dir, 0o757);
    expect(textfileFolderProblem(dir)).toBe(`it is writable by others (mode 757): they could replace shoji.prom (chmod go-w ${dir})`);
    chmodSync(dir, 0o1777); // sticky does not help: others could still place shoji.prom first
    expect(textfileFolderProblem(dir)).toMatch(/^it is writable by others/);
    chmodSync(dir, 0o775);
    expect(textfileFolderProblem(dir)).toMatch(/^it is writable by its group/);
    expect(() => writeTextfile(dir, 'x\n')).toThrow(/^refusing .*writable by its group/);
  });

  it("refuses another user's folder, a file, and a folder that is not there", () => {
    chownSync(dir, 4242, 4242);
    expect(textfileFolderProblem(dir, 1000)).toBe('it is owned by uid 4242, neither you (uid 1000) nor root');
    expect(textfileFolderProblem(dir, 4242)).toBeNull();
    writeFileSync(join(base, 'file'), '');
    expect(textfileFolderProblem(join(base, 'file'))).toBe('it is not a folder');
    expect(textfileFolderProblem(join(base, 'none'))).toBe('cannot use it: ENOENT');
  });
});

describe('what goes in it', () => {
  it("leaves out the exporter process's own metrics, which node_exporter serves under the same names", async () => {
    const served = (await exposition({ modules: [], statuses: new Map() }, 'prometheus')).body;
    const forTextfile = (await exposition({ modules: [], statuses: new Map(), processMetrics: false }, 'prometheus')).body;
    expect(served).toMatch(/^process_cpu_seconds_total /m);
    expect(served).toMatch(/^nodejs_/m);
    expect(forTextfile).not.toMatch(/^(# (HELP|TYPE) )?(process|nodejs)_/m);
    expect(forTextfile).toMatch(/^shoji_build_info\{/m);
  });
});
