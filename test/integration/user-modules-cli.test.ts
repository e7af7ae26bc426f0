/**
 * The distro, apport, mail and trash modules through the real, built `shoji status` on a fixture
 * tree (SHOJI_ROOT for /etc and /var, MAIL and HOME for the mailbox and the trash): what each
 * segment shows, a hostile os-release value drawn literally in tmux with nothing run, and the
 * modules quiet when there is nothing to say.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tmuxVisibleText } from '../../src/render/tmux.js';
import { requireBuild, runShoji, type Sandbox, sandbox } from '../helpers/cli.js';
import { type FixtureTree, fixtureTree } from '../helpers/context.js';

let sb: Sandbox;
let tree: FixtureTree;
beforeAll(() => requireBuild());
beforeEach(() => {
  sb = sandbox();
  tree = fixtureTree();
  writeFileSync(join(sb.configDir, 'config.yaml'), 'icons: ascii\nleft: []\nright: [distro, apport, mail, trash]\n');
  mkdirSync(join(tree.root, 'var/crash'), { recursive: true });
  mkdirSync(join(sb.env.HOME!, '.local/share/Trash/files'), { recursive: true });
});
afterEach(() => {
  sb.cleanup();
  tree.cleanup();
});

const env = () => ({ ...sb.env, LANG: 'C.UTF-8', SHOJI_ROOT: tree.root, MAIL: join(tree.root, 'var/mail/alice') });
const status = (format: string) => runShoji(['status', '--format', format, '--side', 'right'], env());

describe('the distro, apport, mail and trash segments of shoji status', () => {
  it('shows the release, the crash reports, the new mail and the trash', async () => {
    tree.write('root/etc/os-release', 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n');
    tree.write('root/var/crash/_usr_bin_gnome-calculator.1000.crash', 'ProblemType: Crash\n');
    tree.write('root/var/mail/alice', 'From bob@example.com Mon Nov 23 10:01:12 2026\nFrom: Bob <bob@example.com>\nSubject: lunch\n\nShall we?\n');
    writeFileSync(join(sb.env.HOME!, '.local/share/Trash/files/report.pdf'), '%PDF-1.7\n');
    const r = await status('plain');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('Debian GNU/Linux 12 {!} 1 mail 1 trash 1\n');
  });

  it('is quiet where there is nothing to say: no report, no new mail, an empty trash', async () => {
    tree.write('root/etc/os-release', 'NAME="Debian GNU/Linux"\nVERSION_ID="12"\n');
    tree.write('root/var/mail/alice', '');
    expect((await status('plain')).stdout).toBe('Debian GNU/Linux 12\n');
  });

  it('draws a hostile os-release value as text in tmux: no style, no job run', async () => {
    const pwned = join(tree.dir, 'pwned');
    tree.write('root/etc/os-release', `NAME="ev\u001b]0;t\u0007il #[fg=red]#(touch ${pwned}) #{host}"\n`);
    const r = await status('tmux');
    expect(r.stderr).toBe('');
    expect(tmuxVisibleText(r.stdout.trimEnd())).toBe(`ev]0;til #[fg=red]#(touch ${pwned}) #{host}`);
    expect(existsSync(pwned)).toBe(false);
  });
});
