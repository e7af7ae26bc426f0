/**
 * --match: a label matcher list, parsed and written back out by shoji, so nothing but quoted
 * values of the user's reaches PromQL; and the queries: every figure aggregated by host, the
 * user's matchers on every selector, nothing in them that depends on how many hosts there are.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FleetQueries, formatMatchers, parseSelector, regexEscape, SelectorError } from '../../../src/fleet/queries.js';

const written = (text: string) => formatMatchers(parseSelector(text));

describe('--match', () => {
  it('takes a matcher list with or without braces, in any quoting PromQL has', () => {
    expect(written('{job="node", env=~"prod.*"}')).toEqual(['job="node"', 'env=~"prod.*"']);
    expect(written(`job!="x",team!~'a|b', path=\`C:\\dir\`,`)).toEqual(['job!="x"', 'team!~"a|b"', 'path="C:\\\\dir"']);
    expect(written('  ')).toEqual([]);
    expect(written('{}')).toEqual([]);
    expect(written('name="say \\"hi\\"\\n"')).toEqual(['name="say \\"hi\\"\\n"']);
  });

  it('host stands for the instance without its port', () => {
    expect(written('host="web-3.example"')).toEqual(['instance=~"web-3\\\\.example(?::[0-9]+)?"']);
    expect(written('host!="web-3"')).toEqual(['instance!~"web-3(?::[0-9]+)?"']);
    expect(written('host=~"web-.*"')).toEqual(['instance=~"(?:web-.*)(?::[0-9]+)?"']);
  });

  it('writes every value back as one quoted string: what would break out of it stays inside', () => {
    // What an injection would try, as a value: written as a string literal, so it can only match a label.
    expect(written('job="x\\"} or vector(1) or up{a=\\""')).toEqual(['job="x\\"} or vector(1) or up{a=\\""']);
  });

  it('refuses anything that is not a matcher list, saying where', () => {
    const refused = (text: string) => {
      try {
        parseSelector(text);
      } catch (err) {
        expect(err).toBeInstanceOf(SelectorError);
        return (err as Error).message;
      }
      return 'accepted';
    };
    expect(refused('job="x"} or vector(1) #')).toBe('--match: expected , between matchers at "} or vector(1) #"');
    expect(refused('{job="x"} or up{a="b"}')).toBe('--match: expected , between matchers at "} or up{a="b""');
    expect(refused('up')).toBe('--match: expected =, !=, =~ or !~ after up at the end');
    expect(refused('job=node')).toBe('--match: expected a quoted value at "node"');
    expect(refused('job="x')).toBe('--match: a value opened with " is not closed');
    expect(refused('__name__="up"')).toBe("--match: label __name__ is shoji's to choose, not a selector's");
    expect(refused('{job="x"')).toBe('--match: a selector that opens with { must close with }');
    expect(refused('job="a\\qb"')).toBe('--match: unknown escape \\q in a value');
    expect(refused('9job="x"')).toBe('--match: expected a label name at "9job="x"" (e.g. job="node")');
    expect(refused(Array.from({ length: 21 }, (_, i) => `l${i}="v"`).join(','))).toBe('--match: more than 20 matchers');
    expect(refused('a="b"'.repeat(500))).toBe('--match is longer than 2000 characters');
  });

  it("names the config's key when the selector came from the config", () => {
    expect(() => parseSelector('job=node', 'modules.fleet.match')).toThrow(new SelectorError('modules.fleet.match: expected a quoted value at "node"'));
  });

  it('escapes regular expression characters for a host to match itself', () => {
    expect(regexEscape('a.b|c(d)*[e]{f}+?^$\\')).toBe('a\\.b\\|c\\(d\\)\\*\\[e\\]\\{f\\}\\+\\?\\^\\$\\\\');
  });
});

describe('the queries', () => {
  const bare = new FleetQueries();
  const narrowed = new FleetQueries(parseSelector('job=~"node|shoji",env="prod"'));

  it('one snapshot query holds every figure, each aggregated by host and named by its figure label', () => {
    const figures = bare.figures();
    expect(Object.keys(figures)).toEqual(['up', 'cpu', 'memory', 'load', 'receive', 'transmit', 'disk', 'cost_hour', 'cost_boot', 'exporter']);
    const snapshot = bare.snapshot();
    for (const [name, expr] of Object.entries(figures)) expect(snapshot).toContain(`label_replace(${expr}, "figure", "${name}", "", "")`);
    for (const [name, expr] of Object.entries(figures)) expect(expr, name).toMatch(/by \(host(, \w+)?\)/);
  });

  it('joins the figures in a balanced tree of `or on (figure)`, not a chain that copies the first figures once for each figure after them', () => {
    const names = Object.keys(bare.figures());
    // Each figure's place in the tree: how many `or`s enclose it (the parentheses open around it).
    let skeleton = bare.snapshot();
    for (const [name, expr] of Object.entries(bare.figures())) skeleton = skeleton.replace(`label_replace(${expr}, "figure", "${name}", "", "")`, name);
    expect(skeleton.match(/\nor on \(figure\)\n/g)).toHaveLength(names.length - 1);
    expect(skeleton).not.toMatch(/\nor\n/);
    const depth: Record<string, number> = {};
    let open = 0;
    for (const token of skeleton.match(/\(|\)|\w+/g) ?? []) {
      if (token === '(') open++;
      else if (token === ')') open--;
      else if (names.includes(token)) depth[token] = open;
    }
    expect(Object.keys(depth)).toEqual(names);
    expect(Math.max(...Object.values(depth))).toBe(Math.ceil(Math.log2(names.length)));
  });

  it("puts the user's matchers on every metric selector", () => {
    // Outside string literals (label names and values such as "up" or "node" are not selectors).
    const snapshot = narrowed.snapshot().replace(/"(?:[^"\\]|\\.)*"/g, (s) => (s.includes('node|shoji') || s === '"prod"' ? s : '""'));
    const selectors = snapshot.match(/\b(?:up|shoji_\w+|node_\w+)\{[^}]*\}|\b(?:up|shoji_\w+|node_\w+)\b(?!\{)/g) ?? [];
    expect(selectors.length).toBeGreaterThan(20);
    for (const s of selectors) expect(s).toMatch(/job=~"node\|shoji", env="prod"\}$/);
  });

  it('a host is one machine: each figure per instance, then the max over its instances, never their sum', () => {
    const figures = bare.figures();
    for (const name of ['cpu', 'memory', 'load', 'receive', 'transmit', 'disk', 'cost_hour', 'cost_boot'] as const) {
      // Two targets carrying the same metrics (both exporters, the textfile collector) must not add up.
      expect(figures[name], name).not.toMatch(/(sum|avg|count) by \(host/);
      expect(figures[name], name).toMatch(/(max|topk) by \(host\)/);
    }
    for (const name of ['receive', 'transmit', 'cost_boot'] as const)
      expect(figures[name], name).toMatch(/max by \(host\) \(label_replace\(sum by \(instance\)/);
  });

  it("takes node_exporter's CPU and network, shoji's memory and load, and the fuller disk of the two", () => {
    const f = bare.figures();
    const order = (expr: string, ...metrics: string[]) => metrics.map((m) => expr.indexOf(m));
    // CPU: node_exporter's, else shoji's CPU seconds, else shoji's gauge (an older exporter).
    const cpu = order(f.cpu, 'node_cpu_seconds_total', 'shoji_cpu_seconds_total{mode="busy"}', 'shoji_cpu_usage_ratio');
    expect(
      cpu.every((at, i) => at >= 0 && (i === 0 || at > cpu[i - 1])),
      f.cpu,
    ).toBe(true);
    expect(f.cpu).toMatch(/\) or \(.*\) or \(/);
    for (const name of ['receive', 'transmit'] as const) {
      const [node, shoji] = order(f[name], 'node_network_', 'shoji_network_');
      expect(node, name).toBeLessThan(shoji);
      expect(f[name], name).toMatch(/\) or \(/);
    }
    for (const name of ['memory', 'load'] as const) {
      const [shoji, node] = order(f[name], 'shoji_', 'node_');
      expect(shoji, name).toBeLessThan(node);
    }
    // Both exporters' filesystems in one max: no `or on (host)` that would hide node_exporter's /data.
    expect(f.disk).toMatch(/^topk by \(host\) \(1, max by \(host, mountpoint\) \(label_replace\(\(shoji_.* >= 0 or \(\(node_filesystem.* >= 0, "host"/);
    expect(f.disk).not.toContain('or on (host)');
  });

  it("counts shoji's cost only where ec2-cost prices this instance (mode ec2), OpenCost's only where shoji has none", () => {
    const { cost_hour: hour, cost_boot: boot } = bare.figures();
    expect(hour).toContain('sum by (instance) (shoji_ec2_hourly_cost_usd) and on (instance) shoji_ec2_cost_info{mode="ec2"}');
    expect(boot).toContain('sum by (instance) (shoji_ec2_cost_since_boot_usd) and on (instance) shoji_ec2_cost_info{mode="ec2"}');
    expect(hour).toContain('node_total_hourly_cost unless on (instance) shoji_ec2_cost_info,');
    // A down host: its last estimate of the past hour, for hosts whose every target is down.
    expect(hour).toMatch(
      /or on \(host\) \(max by \(host\) \(label_replace\(sum by \(instance\) \(last_over_time\(shoji_ec2_hourly_cost_usd\[1h\]\)\) and on \(instance\) last_over_time\(shoji_ec2_cost_info\{mode="ec2"\}\[1h\]\).*\) and on \(host\) \(max by \(host\) \(label_replace\(up, .*\)\) == 0\)\)$/,
    );
  });

  it('asks for the last scrape of only the down hosts it names, each at any port', () => {
    expect(narrowed.lastUp(['web-1', 'db.2'])).toBe(
      'max by (host) (label_replace(max_over_time(timestamp(up{instance=~"(?:web-1|db\\\\.2)(?::[0-9]+)?", job=~"node|shoji", env="prod"} == 1)[1d:15s]), "host", "$1", "instance", "(.+?)(?::[0-9]+)?"))',
    );
  });

  it('are the ones docs/fleet.md shows, each verbatim', () => {
    const page = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'fleet.md'), 'utf8');
    const blocks = [...page.matchAll(/```promql\n([\s\S]*?)\n```/g)].map((m) => m[1]);
    expect(blocks).toEqual([...Object.values(bare.figures()), bare.lastUp(['web-3'])]);
  });
});
