import { describe, expect, it } from 'vitest';
import { loadTheme } from '../../../src/core/theme.js';
import { Metrics, type ModuleView } from '../../../src/dashboard/model.js';
import { cpuPanel } from '../../../src/dashboard/panels.js';
import {
  cpuTime,
  HELP_LINES,
  helpLines,
  helpWidth,
  morePanel,
  PROC_COLUMNS,
  procColumns,
  procHeaderRow,
  procsPanel,
  psUser,
  shortCommand,
  shortLabel,
  shortPath,
  modulePanel,
  sortAtColumn,
} from '../../../src/dashboard/tables.js';

const ctx = { theme: loadTheme('monochrome', '/nonexistent', {}), charset: 'ascii' as const, width: 100, height: 6 };
/** A content line as the terminal shows it: blessed's style tags removed. */
const plain = (tagged: string) => tagged.replace(/\{[^{}]*\}/g, '');
const table = (error?: string) => procsPanel({ rows: [], total: 0, sort: 'cpu', offset: 0, selected: 0, focused: false, error }, ctx);

describe('process table header clicks', () => {
  for (const width of [38, 48, 68, 114]) {
    it(`finds each sortable column where the header draws its name, ${width} cells wide`, () => {
      const header = plain(procsPanel({ rows: [], total: 0, sort: 'cpu', offset: 0, selected: 0, focused: false }, { ...ctx, width }).lines[0]);
      for (const name of ['PID', '%CPU', '%MEM']) {
        const at = header.indexOf(name);
        const sort = { PID: 'pid', '%CPU': 'cpu', '%MEM': 'mem' }[name];
        expect(sortAtColumn(at, width), name).toBe(sort);
        expect(sortAtColumn(at + name.length - 1, width), name).toBe(sort);
      }
      if (header.includes('RSS')) expect(sortAtColumn(header.indexOf('RSS'), width)).toBe('mem');
    });
  }

  it('draws the sort mark where it never touches the next name', () => {
    const head = (sort: 'pid' | 'mem', width: number) =>
      plain(procsPanel({ rows: [], total: 0, sort, offset: 0, selected: 0, focused: false }, { ...ctx, width }).lines[0]);
    expect(head('pid', 114)).toMatch(/^ +PID\* USER /);
    expect(head('mem', 38)).toMatch(/%MEM\* COMMAND/);
    expect(head('mem', 114)).toMatch(/%MEM\* +RSS /);
  });

  it('shortens its title to fit its top border: the sort key, then the sort go first', () => {
    const title = (width: number) =>
      plain(
        procsPanel(
          { rows: [], total: 3, of: 212, sort: 'cpu', offset: 0, selected: 0, focused: false, filter: { text: 'sleep', typing: false, user: 'alice' } },
          { ...ctx, width },
        ).label,
      );
    expect(title(100)).toBe(' Processes 3 of 212, by %CPU (s), user alice, /sleep ');
    expect(title(50)).toBe(' Processes 3 of 212, by %CPU, user alice, /sleep ');
    expect(title(49)).toBe(' Processes 3 of 212, user alice, /sleep ');
    expect(title(38)).toBe(' Processes 3 of 212, user alice, /sleep ');
  });

  it('ignores the columns it cannot sort by', () => {
    const header = plain(table().lines[0]);
    for (const name of ['USER', 'TIME', 'COMMAND']) expect(sortAtColumn(header.indexOf(name), ctx.width)).toBeNull();
    expect(sortAtColumn(-1, ctx.width)).toBeNull();
  });

  it('moves the header down a row when an error line is shown above it', () => {
    const lines = table('cannot read /proc').lines.map(plain);
    expect(lines[procHeaderRow({ error: 'cannot read /proc' })]).toMatch(/PID .*%CPU/);
  });
});

describe('process table columns at each width', () => {
  const heads = (width: number) => procColumns(width).columns.map((c) => c.head);

  it('keeps PID, %CPU, %MEM and COMMAND at its narrowest (an 80-column terminal)', () => {
    expect(heads(38)).toEqual(['PID', '%CPU', '%MEM']);
    expect(procColumns(38).command).toBeGreaterThanOrEqual(16);
  });

  it('drops the other columns in the declared order as the width shrinks, COMMAND keeping its room', () => {
    const byDrop = PROC_COLUMNS.filter((c) => c.drop > 0)
      .sort((a, b) => a.drop - b.drop)
      .map((c) => c.head);
    expect(byDrop).toEqual(['THR', 'TIME', 'S', 'RSS', 'USER']);
    expect(heads(200)).toEqual(PROC_COLUMNS.map((c) => c.head));
    const dropped: string[] = [];
    for (let width = 200; width >= 38; width--) {
      const now = heads(width);
      for (const h of PROC_COLUMNS.map((c) => c.head)) if (!now.includes(h) && !dropped.includes(h)) dropped.push(h);
      if (now.length > 3) expect(procColumns(width).command).toBeGreaterThanOrEqual(16);
    }
    expect(dropped).toEqual(byDrop);
    expect(heads(48)).toEqual(['PID', 'USER', '%CPU', '%MEM']);
  });

  it('right-aligns numbers under their names and draws the COMMAND in what is left', () => {
    const row = {
      pid: 1480,
      name: 'java',
      state: 'S',
      cpu: 12.5,
      rssBytes: 1_700_000_000,
      mem: 0.21,
      threads: 57,
      cpuSeconds: 3725,
      ppid: 1,
      start: '1',
      kernelThread: false,
    };
    const rows = [{ ...row, user: 'root', command: '/usr/lib/jvm/java-17/bin/java -jar /opt/app/inventory.jar' }];
    const lines = procsPanel({ rows, total: 1, sort: 'cpu', offset: 0, selected: 0, focused: false }, { ...ctx, width: 114 }).lines.map(plain);
    const [head, first] = lines;
    for (const [name, value] of [
      ['PID', '1480'],
      ['%CPU', '12.5'],
      ['%MEM', '21.0'],
      ['THR', '57'],
      ['TIME', '1:02:05'],
    ])
      expect(first.indexOf(value) + value.length, name).toBe(head.indexOf(name) + name.length);
    expect(head).toContain('%CPU*');
    expect(first.slice(head.indexOf('COMMAND')).trimEnd()).toBe('/usr/lib/jvm/java-17/bin/java -jar /opt/app/inventory.jar');
    const narrow = procsPanel({ rows, total: 1, sort: 'cpu', offset: 0, selected: 0, focused: false }, { ...ctx, width: 38 }).lines.map(plain);
    expect(narrow[1].slice(narrow[0].indexOf('COMMAND'))).toMatch(/^java -jar /);
  });
});

describe('shortening what a column cannot hold', () => {
  it('cuts a long user name one short with +, as ps does', () => {
    expect(psUser('postgres', 8)).toBe('postgres');
    expect(psUser('svc-inventory', 8)).toBe('svc-inv+');
  });

  it("names the program before its path, then the arguments' paths by their last part, before cutting", () => {
    const cmd = '/usr/bin/python3 /home/alice/projects/forecast/train_model.py --epochs 40';
    expect(shortCommand(cmd, 80)).toBe(cmd);
    expect(shortCommand(cmd, 66)).toBe('python3 /home/alice/projects/forecast/train_model.py --epochs 40');
    expect(shortCommand(cmd, 40)).toBe('python3 train_model.py --epochs 40');
    expect(shortCommand('[kworker/0:1-events]', 10)).toBe('[kworker/0:1-events]');
    expect(shortCommand('sshd: /usr/sbin/sshd -D [listener]', 24)).toBe('sshd: sshd -D [listener]');
  });

  it("writes CPU time as ps's TIME column does, short", () => {
    expect(cpuTime(5.9)).toBe('0:05');
    expect(cpuTime(760)).toBe('12:40');
    expect(cpuTime(3 * 3600 + 131)).toBe('3:02:11');
    expect(cpuTime(12 * 86_400 + 3 * 3600)).toBe('12d03h');
  });
});

describe('CPU panel', () => {
  const view = (data: Record<string, unknown>): ModuleView => ({
    id: 'cpu',
    state: 'good',
    text: '80%',
    detail: [],
    pending: false,
    available: true,
    data,
  });
  const loadView: ModuleView = { id: 'load', state: 'good', text: '', detail: [], pending: true, available: true, data: null };
  const title = (data: Record<string, unknown>) => {
    const m = new Metrics();
    m.cpuTotal = 0.8;
    return plain(cpuPanel(m, view(data), loadView, { ...ctx, height: 8 }).label);
  };

  it("says when the total is a container's share of its CPU quota", () => {
    expect(title({ total: 0.8, scope: 'host' })).toMatch(/^ ?CPU 80%/);
    expect(title({ total: 0.8, scope: 'cgroup', quotaCores: 0.5 })).toMatch(/CPU \(of a 0\.5-CPU quota\) 80%/);
  });
});

describe('the help overlay', () => {
  it('is as wide as its longest line, so no key is cut short', () => {
    const log = '/home/someone/.local/state/shoji/shoji.log';
    const width = helpWidth(log);
    const text = helpLines({ ...ctx, width }, log).join('\n');
    for (const [keys, what] of HELP_LINES) {
      expect(text).toContain(keys);
      expect(text).toContain(what);
    }
    expect(text).toContain(log);
    // One cell less and the longest line is cut.
    const narrower = helpLines({ ...ctx, width: width - 1 }, log).join('\n');
    expect(HELP_LINES.every(([, what]) => narrower.includes(what)) && narrower.includes(log)).toBe(false);
  });
});

describe('the panel of modules without a panel of their own', () => {
  const view = (id: string, text: string, state: ModuleView['state'] = 'good'): ModuleView =>
    ({ id, text, state, detail: [], available: true, pending: false, data: null }) as unknown as ModuleView;
  const views = [view('reboot-required', 'reboot', 'warning'), view('updates', '5 (3 security)', 'warning'), view('apport', '1'), view('raid', 'md0 degraded')];

  it('gives each its line, with what it says, where the rows allow', () => {
    const panel = morePanel(views, { ...ctx, width: 40, height: 4 });
    expect(plain(panel.label)).toContain('4 more');
    expect(panel.lines.map((l) => plain(l).trimEnd())).toEqual([
      'reboot-required reboot',
      'updates         5 (3 security)',
      'apport          1',
      'raid            md0 degraded',
    ]);
  });

  it('shows detail lines under them in the rows left over, those needing attention first', () => {
    const battery = { ...view('battery', '65%'), detail: [{ label: 'Status', value: 'discharging' }] };
    const updates = {
      ...view('updates', '5 (3 security)', 'warning'),
      detail: [
        { label: 'Updates', value: '5' },
        { label: 'Security', value: '3' },
        { label: 'Source', value: '/var/lib/update-notifier/updates-available' },
      ],
    };
    const lines = morePanel([battery, updates], { ...ctx, width: 40, height: 4 }).lines.map((l) => plain(l).trimEnd());
    expect(lines).toEqual(['battery 65%', 'updates 5 (3 security)', '  Updates   5', '  Security  3']);
  });

  it('puts them side by side on fewer rows, and names or counts those left over rather than dropping them', () => {
    const [only] = morePanel([...views, view('a-module-with-a-long-name', 'x')], { ...ctx, width: 38, height: 1 }).lines.map((l) => plain(l).trimEnd());
    expect(only).toBe('reboot-required reboot +4');
    // Their names, when all of them fit where their lines do not.
    expect(morePanel(views, { ...ctx, width: 38, height: 1 }).lines.map((l) => plain(l).trimEnd())).toEqual(['reboot-required, updates, apport, raid']);
    const two = morePanel([...views, view('a-module-with-a-long-name', 'x')], { ...ctx, width: 30, height: 2 }).lines.map((l) => plain(l).trimEnd());
    expect(two).toEqual(['reboot-required reboot', 'updates 5 (3 security) +3']);
    // Those without room for their line are named where their names fit.
    const three = morePanel([view('battery', '65% 2h 10m'), ...views], { ...ctx, width: 38, height: 3 }).lines.map((l) => plain(l).trimEnd());
    expect(three).toEqual(['battery 65% 2h 10m', 'reboot-required reboot', 'updates 5 (3 security) + apport, raid']);
  });
});

describe('a module panel that is narrower than its details', () => {
  it('shows a long path by its end, where its name is', () => {
    expect(shortPath('/var/crash/_usr_bin_gnome-calculator.1000.crash', 40, 'braille')).toBe('…/_usr_bin_gnome-calculator.1000.crash');
    expect(shortPath('/var/lib/update-notifier/updates-available', 30, 'braille')).toBe('…/updates-available');
    expect(shortPath('/var/lib/update-notifier/updates-available', 30, 'ascii')).toBe('.../updates-available');
    expect(shortPath('/var/lib/x', 30, 'braille')).toBe('/var/lib/x');
    expect(shortPath('apport-cli /var/crash/<name>.crash', 20, 'braille')).toBe('apport-cli /var/crash/<name>.crash');
  });

  it('shortens a label by its last words before cutting it', () => {
    expect(shortLabel('Reboot required since', 30)).toBe('Reboot required since');
    expect(shortLabel('Reboot required since', 15)).toBe('Reboot required');
    expect(shortLabel('Reboot required since', 13)).toBe('Reboot');
    expect(shortLabel('Architecture', 5)).toBe('Architecture');
    const v = {
      id: 'reboot-required',
      text: 'reboot',
      state: 'warning',
      available: true,
      pending: false,
      data: null,
      detail: [{ label: 'Reboot required since', value: '2026-11-30 09:00' }],
    } as unknown as ModuleView;
    expect(plain(modulePanel(v, { ...ctx, width: 26, height: 2 }, '!').lines[1]).trimEnd()).toBe('Reboot         2026-11-30~');
  });

  it('gives labels their whole width while the values keep ten cells', () => {
    const v = {
      id: 'updates',
      text: '5 (3 security)',
      state: 'warning',
      available: true,
      pending: false,
      data: null,
      detail: [
        { label: 'Security packages', value: 'openssl' },
        { label: 'Source', value: '/var/lib/update-notifier/updates-available' },
      ],
    } as unknown as ModuleView;
    const lines = modulePanel(v, { ...ctx, width: 40, height: 4 }, '!').lines.map((l) => plain(l).trimEnd());
    expect(lines).toEqual(['5 (3 security)', 'Security packages  openssl', 'Source             .../updates-available']);
  });
});
