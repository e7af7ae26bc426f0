import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import distro, { parseOsRelease } from '../../../plugins/distro/index.js';
import { escapeTmux, tmuxVisibleText } from '../../../src/render/tmux.js';
import { type FixtureTree, fixtureTree, moduleContext } from '../../helpers/context.js';
import { expectDataAsDeclared } from '../../helpers/published-data.js';

/** /etc/os-release of Debian 12 as installed (debian:bookworm, base-files 12.4). */
const DEBIAN_12 = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
`;

/** /usr/lib/os-release of Ubuntu 24.04.1 (base-files 13ubuntu10.1). */
const UBUNTU_2404 = `PRETTY_NAME="Ubuntu 24.04.1 LTS"
NAME="Ubuntu"
VERSION_ID="24.04"
VERSION="24.04.1 LTS (Noble Numbat)"
VERSION_CODENAME=noble
ID=ubuntu
ID_LIKE=debian
HOME_URL="https://www.ubuntu.com/"
SUPPORT_URL="https://help.ubuntu.com/"
BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"
PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"
UBUNTU_CODENAME=noble
LOGO=ubuntu-logo
`;

/** /usr/lib/os-release of Arch Linux (filesystem 2024.11.21): rolling, so no VERSION_ID. */
const ARCH = `NAME="Arch Linux"
PRETTY_NAME="Arch Linux"
ID=arch
BUILD_ID=rolling
ANSI_COLOR="38;2;23;147;209"
HOME_URL="https://archlinux.org/"
DOCUMENTATION_URL="https://wiki.archlinux.org/"
SUPPORT_URL="https://bbs.archlinux.org/"
BUG_REPORT_URL="https://gitlab.archlinux.org/groups/archlinux/-/issues"
PRIVACY_POLICY_URL="https://terms.archlinux.org/docs/privacy-policy/"
LOGO=archlinux-logo
`;

describe('distro', () => {
  let tree: FixtureTree;
  beforeEach(() => {
    tree = fixtureTree();
  });
  afterEach(() => tree.cleanup());

  const run = async (options = {}) => distro.collect(moduleContext(distro, tree, options), undefined);

  it('shows NAME and VERSION_ID from /etc/os-release, the release alone as its short form', async () => {
    tree.write('root/etc/os-release', DEBIAN_12);
    const { reading, data } = await run();
    expect(reading).toMatchObject({ text: 'Debian GNU/Linux 12', short: '12', state: 'idle' });
    expectDataAsDeclared(distro, data);
    expect(data).toEqual({
      name: 'Debian GNU/Linux',
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
      id: 'debian',
      versionId: '12',
      version: '12 (bookworm)',
      codename: 'bookworm',
      file: `${tree.root}/etc/os-release`,
    });
  });

  it("shows what `show` asks for: PRETTY_NAME, NAME, VERSION_ID (byobu's release) or ID", async () => {
    tree.write('root/etc/os-release', UBUNTU_2404);
    expect((await run({ show: 'pretty' })).reading?.text).toBe('Ubuntu 24.04.1 LTS');
    expect((await run({ show: 'name' })).reading?.text).toBe('Ubuntu');
    expect((await run({ show: 'release' })).reading?.text).toBe('24.04');
    expect((await run({ show: 'id' })).reading?.text).toBe('ubuntu');
  });

  it('falls back to /usr/lib/os-release, and /etc wins where both exist', async () => {
    tree.write('root/usr/lib/os-release', UBUNTU_2404);
    expect((await run()).data).toMatchObject({ name: 'Ubuntu', file: `${tree.root}/usr/lib/os-release` });
    tree.write('root/etc/os-release', DEBIAN_12);
    expect((await run()).data).toMatchObject({ name: 'Debian GNU/Linux', file: `${tree.root}/etc/os-release` });
  });

  it('a rolling distribution without VERSION_ID shows its name, and its ID as the short form', async () => {
    tree.write('root/etc/os-release', ARCH);
    const { reading, data } = await run();
    expect(reading).toMatchObject({ text: 'Arch Linux', short: 'arch' });
    expect(data).not.toHaveProperty('versionId');
    expect((await run({ show: 'release' })).reading?.text).toBe('arch');
  });

  it('reads values as sh does: double quotes with \\ escapes, single quotes as written, bare words; comments skipped', () => {
    const fields = parseOsRelease(
      [
        '# a comment',
        'NAME="A \\"quoted\\" \\$name, a \\\\ and a \\n"',
        "ID='x \\y'",
        'VERSION_ID=1.2\\ 3',
        'VARIANT=bare # comment after it',
        '',
        'not an assignment',
      ].join('\n'),
    );
    expect(Object.fromEntries(fields)).toEqual({ NAME: 'A "quoted" $name, a \\ and a \\n', ID: 'x \\y', VERSION_ID: '1.2 3', VARIANT: 'bare' });
  });

  it("takes os-release(5)'s defaults for fields a file leaves out", async () => {
    tree.write('root/etc/os-release', 'VERSION_ID=7\n');
    expect((await run()).data).toMatchObject({ name: 'Linux', prettyName: 'Linux', id: 'linux', versionId: '7' });
  });

  it('is not available, and quiet, where no os-release exists', async () => {
    const ctx = moduleContext(distro, tree);
    expect(await distro.available!(ctx)).toBe(false);
    expect((await run()).reading).toBeNull();
    tree.write('root/etc/os-release', DEBIAN_12);
    expect(await distro.available!(ctx)).toBe(true);
  });

  it('a hostile value loses its control characters, and tmux draws the rest as text: no style, no job', async () => {
    tree.write('root/etc/os-release', 'PRETTY_NAME="ev\u001b]0;t\u0007il #[fg=red]#(touch /tmp/pwned) #{host} ##"\nNAME=x\n');
    const { reading, data } = await run({ show: 'pretty' });
    expect(data?.prettyName).toBe('ev]0;til #[fg=red]#(touch /tmp/pwned) #{host} ##');
    // As the tmux renderer writes it: escaped, then the style that follows every segment.
    expect(tmuxVisibleText(`${escapeTmux(reading!.text)}#[default]`)).toBe('ev]0;til #[fg=red]#(touch /tmp/pwned) #{host} ##');
  });
});
