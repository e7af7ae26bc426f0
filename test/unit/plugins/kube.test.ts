/**
 * The kube module on real kubeconfig files in a temp dir. The files are the shapes of the
 * Kubernetes documentation's own examples ("Configure Access to Multiple Clusters":
 * config-demo as `kubectl config view` prints it, and config-demo-2), merged by the rules of
 * "Organizing Cluster Access Using kubeconfig Files".
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import kube, { cleanName, globTest, type KubeMemo, type KubeOptions, shortName } from '../../../plugins/kube/index.js';
import { fixtureTree, moduleContext, type FixtureTree, readingWithData } from '../../helpers/context.js';
import { expectDataAsDeclared } from '../../helpers/published-data.js';

/** config-demo after the guide's set-cluster, set-credentials and set-context steps, as `kubectl config view` prints it. */
const CONFIG_DEMO = `apiVersion: v1
clusters:
- cluster:
    certificate-authority: fake-ca-file
    server: https://1.2.3.4
  name: development
- cluster:
    insecure-skip-tls-verify: true
    server: https://5.6.7.8
  name: test
contexts:
- context:
    cluster: development
    namespace: frontend
    user: developer
  name: dev-frontend
- context:
    cluster: development
    namespace: storage
    user: developer
  name: dev-storage
- context:
    cluster: test
    namespace: default
    user: experimenter
  name: exp-test
current-context: ""
kind: Config
preferences: {}
users:
- name: developer
  user:
    client-certificate: fake-cert-file
    client-key: fake-key-file
- name: experimenter
  user:
    password: some-password
    username: exp
`;

/** The guide's second file: one more context, no current-context. */
const CONFIG_DEMO_2 = `apiVersion: v1
kind: Config
preferences: {}

contexts:
- context:
    cluster: development
    namespace: ramp
    user: developer
  name: dev-ramp-up
`;

/** config-demo after `kubectl config use-context NAME`. */
const using = (name: string, text = CONFIG_DEMO) => text.replace('current-context: ""', `current-context: ${name}`);

let tree: FixtureTree;
let home: string;
beforeEach(() => {
  tree = fixtureTree();
  home = join(tree.dir, 'home');
  mkdirSync(join(home, '.kube'), { recursive: true });
});
afterEach(() => tree.cleanup());

const kubeconfig = (text: string) => tree.write('home/.kube/config', text);

/** Collects as the host does: the memo of one collect is handed to the next. */
function collector(env: NodeJS.ProcessEnv = { HOME: join(tree.dir, 'home') }, options: Partial<KubeOptions> = {}) {
  let memo: KubeMemo | undefined;
  return async () => {
    const out = await kube.collect(moduleContext(kube, tree, options, env), memo);
    if (out.memo !== undefined) memo = out.memo;
    return readingWithData(out);
  };
}

describe('kube: the current context from ~/.kube/config', () => {
  it('is quiet while current-context is empty, then shows the context and its namespace', async () => {
    const collect = collector();
    kubeconfig(CONFIG_DEMO);
    expect(await collect()).toBeNull();
    const file = kubeconfig(using('dev-frontend'));
    const r = await collect();
    expect(r).toMatchObject({ text: 'dev-frontend:frontend', short: 'dev-frontend', state: 'info', icon: 'kube' });
    expect(r!.data).toEqual({
      context: 'dev-frontend',
      shown: 'dev-frontend',
      namespace: 'frontend',
      cluster: 'development',
      user: 'developer',
      defined: true,
      file,
      currentContextFile: file,
    });
    expectDataAsDeclared(kube, r!.data);
    expect(r!.detail).toEqual([
      { label: 'Context', value: 'dev-frontend' },
      { label: 'Cluster', value: 'development' },
      { label: 'User', value: 'developer' },
      { label: 'Namespace', value: 'frontend' },
      { label: 'File', value: file },
    ]);
  });

  it('a context without a namespace is in "default", as kubectl takes it', async () => {
    kubeconfig(
      'apiVersion: v1\nkind: Config\ncurrent-context: kind-kind\ncontexts:\n- context:\n    cluster: kind-kind\n    user: kind-kind\n  name: kind-kind\n',
    );
    const r = await collector()();
    expect(r).toMatchObject({ text: 'kind-kind:default', data: { namespace: 'default' } });
    expect(r!.detail).toContainEqual({ label: 'Namespace', value: 'default (the context sets none)' });
  });

  it('a current-context that no file defines is shown as a warning, with no cluster or user', async () => {
    kubeconfig(using('gone'));
    const r = await collector()();
    expect(r).toMatchObject({ text: 'gone:default', state: 'warning', data: { context: 'gone', defined: false } });
    expect(r!.data).not.toHaveProperty('cluster');
    expect(r!.data).not.toHaveProperty('file');
    expectDataAsDeclared(kube, r!.data);
    expect(r!.detail![0]).toEqual({ label: 'Context', value: 'gone (defined in no kubeconfig file)' });
  });

  it('is quiet without a kubeconfig, an empty one, or a HOME to find it in; not available without ~/.kube or $KUBECONFIG', async () => {
    expect(await collector()()).toBeNull();
    kubeconfig('');
    expect(await collector()()).toBeNull();
    expect(await collector({})()).toBeNull();
    const ctx = (env: NodeJS.ProcessEnv) => moduleContext(kube, tree, {}, env);
    expect(await kube.available!(ctx({ HOME: home }))).toBe(true);
    expect(await kube.available!(ctx({ HOME: tree.root }))).toBe(false);
    expect(await kube.available!(ctx({}))).toBe(false);
    expect(await kube.available!(ctx({ KUBECONFIG: '/nowhere/config' }))).toBe(true);
    expect(await kube.available!(ctx({ KUBECONFIG: '::', HOME: tree.root }))).toBe(false);
  });
});

describe('kube: several files in $KUBECONFIG, merged as kubectl merges them', () => {
  it('current-context from the first file that sets one, the context from the first file that defines it', async () => {
    const demo = tree.write('cfg/config-demo', using('dev-ramp-up'));
    const demo2 = tree.write('cfg/config-demo-2', CONFIG_DEMO_2);
    // A third file that sets another context and defines dev-ramp-up differently: neither counts.
    const third = tree.write(
      'cfg/third',
      'current-context: exp-test\ncontexts:\n- name: dev-ramp-up\n  context:\n    cluster: elsewhere\n    namespace: other\n',
    );
    // Empty names, a missing file and a repeat are skipped, as kubectl skips them.
    const env = { HOME: home, KUBECONFIG: `:${demo}:${join(tree.dir, 'missing')}::${demo2}:${third}:${demo}` };
    const r = await collector(env)();
    expect(r).toMatchObject({ text: 'dev-ramp-up:ramp', state: 'info' });
    expect(r!.data).toMatchObject({ context: 'dev-ramp-up', cluster: 'development', namespace: 'ramp', file: demo2, currentContextFile: demo });
    expect(r!.detail).toContainEqual({ label: 'current-context in', value: demo });
  });

  it("a context named in two files is the first file's whole: none of the second's entries are taken", async () => {
    const a = tree.write('cfg/a', 'current-context: shared\ncontexts:\n- name: shared\n  context:\n    cluster: first\n');
    const b = tree.write('cfg/b', 'contexts:\n- name: shared\n  context:\n    cluster: second\n    namespace: from-b\n    user: bob\n');
    const r = await collector({ KUBECONFIG: `${a}:${b}` })();
    expect(r!.data).toMatchObject({ cluster: 'first', namespace: 'default', file: a });
    expect(r!.data).not.toHaveProperty('user');
  });

  it('a later file gives current-context when the earlier ones set none (an empty one sets none)', async () => {
    const a = tree.write('cfg/a', CONFIG_DEMO);
    const b = tree.write('cfg/b', using('exp-test', CONFIG_DEMO).replace(/contexts:[\s\S]*?current-context/, 'current-context'));
    const r = await collector({ KUBECONFIG: `${a}:${b}` })();
    expect(r!.data).toMatchObject({ context: 'exp-test', cluster: 'test', user: 'experimenter', file: a, currentContextFile: b });
  });
});

describe('kube: read on change', () => {
  it('an unchanged file (same inode, size and mtime) is not read again; a touch, a rename over it or a new file is', async () => {
    const collect = collector();
    const file = kubeconfig(using('dev-frontend'));
    // A whole second, so that putting it back below gives the very same mtime (stat has nanoseconds).
    const mtime = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    utimesSync(file, mtime, mtime);
    expect((await collect())!.text).toBe('dev-frontend:frontend');

    // The same length written in place with the mtime put back: indistinguishable by stat, so the
    // module must show what it read before; it did not read the file again.
    writeFileSync(file, using('dev-storage!'));
    utimesSync(file, mtime, mtime);
    expect(statSync(file).size).toBe(using('dev-frontend').length);
    expect((await collect())!.text).toBe('dev-frontend:frontend');

    // touch: the mtime moves, the file is read (dev-storage! is defined nowhere).
    utimesSync(file, new Date(mtime.getTime() + 5000), new Date(mtime.getTime() + 5000));
    expect(await collect()).toMatchObject({ text: 'dev-storage!:default', state: 'warning' });

    // Replaced by rename (how editors and kubectl-like tools save), size and mtime kept: the inode tells.
    const before = statSync(file);
    const fresh = tree.write('home/.kube/config.new', using('dev-storage@'));
    utimesSync(fresh, before.mtime, before.mtime);
    renameSync(fresh, file);
    expect((await collect())!.text).toBe('dev-storage@:default');

    // A file appearing in the list is read too.
    writeFileSync(file, using('dev-storage'));
    expect((await collect())!.text).toBe('dev-storage:storage');
  });

  it('a file that goes away leaves the line quiet; one listed but missing that appears is picked up', async () => {
    const later = join(tree.dir, 'cfg', 'later');
    const collect = collector({ KUBECONFIG: `${later}:${kubeconfig(using('exp-test'))}` });
    expect((await collect())!.text).toBe('exp-test:default');
    tree.write('cfg/later', 'current-context: kind-dev\ncontexts:\n- name: kind-dev\n  context:\n    cluster: kind-dev\n    namespace: web\n');
    expect((await collect())!.text).toBe('kind-dev:web');
    execFileSync('rm', [later, join(home, '.kube', 'config')]);
    expect(await collect()).toBeNull();
  });
});

describe('kube: broken and hostile files', () => {
  it('a YAML error fails the module naming the file and the line; the next good edit recovers', async () => {
    const collect = collector();
    const file = kubeconfig(using('dev-frontend'));
    expect((await collect())!.text).toBe('dev-frontend:frontend');
    writeFileSync(file, 'apiVersion: v1\ncontexts:\n- name: a\n  context: {cluster: x\ncurrent-context: a\n');
    await expect(collect()).rejects.toThrow(new RegExp(`^${file} line \\d+, column \\d+: `));
    writeFileSync(file, using('dev-storage'));
    expect((await collect())!.text).toBe('dev-storage:storage');
  });

  it('a wrong shape names the file, the line and the key', async () => {
    const file = kubeconfig('current-context: a\ncontexts:\n  a: {}\n');
    await expect(collector()()).rejects.toThrow(`${file} line 3, column 3: contexts must be a list, not a mapping`);
    kubeconfig('- a\n- b\n');
    await expect(collector()()).rejects.toThrow(`${file} is not a kubeconfig: its top level is a list, not a mapping`);
    kubeconfig('current-context: a\ncontexts:\n- name: a\n  context:\n    namespace: [x]\n');
    await expect(collector()()).rejects.toThrow(`${file} line 5, column 16: contexts[0].context.namespace must be text, not a list`);
  });

  it('a context named twice in one file is an error, as kubectl makes it', async () => {
    const file = kubeconfig('current-context: a\ncontexts:\n- name: a\n  context: {cluster: x}\n- name: a\n  context: {cluster: y}\n');
    await expect(collector()()).rejects.toThrow(`${file} line 5, column 9: contexts[1].name: context "a" is defined twice in this file`);
  });

  it('a YAML alias bomb is refused, not expanded', async () => {
    const lol = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++)
      lol.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    const file = kubeconfig(`${lol.join('\n')}\ncurrent-context: x\n`);
    await expect(collector()()).rejects.toThrow(new RegExp(`^${file}: .*alias`, 'i'));
  });

  it('a file over max_file_mib is not read: the module fails at once naming its size', async () => {
    // 64 MiB (sparse: no disk used), far past the 2 MiB default: refused by its size, never read.
    const file = kubeconfig(using('dev-frontend'));
    truncateSync(file, 64 * 1024 * 1024);
    await expect(collector()()).rejects.toThrow(`${file} is 64.0 MiB, more than max_file_mib (2 MiB): not read`);
    // A real one with its certificates inline (base64, as cloud CLIs write them), 31 KiB: over a
    // 0.02 MiB cap, read under the default.
    const cert = Buffer.alloc(1100, 7).toString('base64');
    const clusters = Array.from(
      { length: 20 },
      (_, i) => `- cluster:\n    certificate-authority-data: ${cert}\n    server: https://10.0.0.${i}:6443\n  name: c${i}\n`,
    );
    kubeconfig(using('dev-frontend').replace('clusters:\n', `clusters:\n${clusters.join('')}`));
    await expect(collector(undefined, { max_file_mib: 0.02 })()).rejects.toThrow(/ is 3\d KiB, more than max_file_mib \(0\.02 MiB\): not read$/);
    expect((await collector()())!.text).toBe('dev-frontend:frontend');
  });

  it('a FIFO, a folder or a device in $KUBECONFIG fails at once, never waits for a writer', async () => {
    const fifo = join(tree.dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    await expect(collector({ KUBECONFIG: fifo })()).rejects.toThrow(`${fifo} is not a regular file`);
    await expect(collector({ KUBECONFIG: tree.dir })()).rejects.toThrow(`${tree.dir} is not a regular file`);
    await expect(collector({ KUBECONFIG: '/dev/zero' })()).rejects.toThrow('/dev/zero is not a regular file');
  });

  it('names lose control characters and bidirectional overrides, on the line and in the data', async () => {
    kubeconfig('current-context: "prod\\e[31m\\u202edorp"\ncontexts:\n- name: "prod\\e[31m\\u202edorp"\n  context: {namespace: "ns\\x07"}\n');
    const r = await collector()();
    expect(r).toMatchObject({ text: 'prod[31mdorp:ns', data: { context: 'prod[31mdorp', namespace: 'ns' } });
    expect(cleanName(`a\u2066b\u200fc${'d'.repeat(300)}`)).toBe(`abc${'d'.repeat(247)}...`);
  });
});

describe('kube: what the line shows', () => {
  const EKS = 'arn:aws:eks:eu-west-1:123456789012:cluster/prod-eu';
  const GKE = 'gke_shop-123_europe-west1_payments-prod';
  const config = (name: string, cluster = name) =>
    kubeconfig(`current-context: ${name}\ncontexts:\n- name: ${name}\n  context:\n    cluster: ${cluster}\n    namespace: payments\n`);

  it('EKS and GKE contexts by their cluster name, unless short_names is off', async () => {
    expect(shortName(EKS)).toBe('prod-eu');
    expect(shortName('arn:aws-cn:eks:cn-north-1:123456789012:cluster/dev')).toBe('dev');
    expect(shortName(GKE)).toBe('payments-prod');
    expect(shortName('gke_only_two')).toBe('gke_only_two');
    expect(shortName('kind-kind')).toBe('kind-kind');
    config(EKS);
    expect(await collector()()).toMatchObject({ text: 'prod-eu:payments', short: 'prod-eu', data: { context: EKS, shown: 'prod-eu' } });
    expect(await collector(undefined, { short_names: false })()).toMatchObject({ text: `${EKS}:payments` });
    expect(await collector(undefined, { namespace: false })()).toMatchObject({ text: 'prod-eu' });
  });

  it('critical_contexts and warning_contexts match the context, its short name or its cluster, whatever the case', async () => {
    const state = async (options: Partial<KubeOptions>) => (await collector(undefined, options)())!.state;
    config(EKS);
    expect(await state({})).toBe('info');
    expect(await state({ critical_contexts: ['*PROD*'] })).toBe('critical');
    expect(await state({ critical_contexts: ['prod-eu'] })).toBe('critical');
    expect(await state({ critical_contexts: ['prod-e?'] })).toBe('critical');
    expect(await state({ critical_contexts: ['prod'] })).toBe('info');
    expect(await state({ warning_contexts: ['*eu*'], critical_contexts: ['*-us-*'] })).toBe('warning');
    expect(await state({ warning_contexts: ['*'], critical_contexts: ['*prod*'] })).toBe('critical');
    config('admin@payments', 'prod-eu-1');
    expect(await state({ critical_contexts: ['prod-*'] })).toBe('critical');
  });

  it('patterns are globs, never regular expressions', () => {
    expect(globTest('a.b').test('axb')).toBe(false);
    expect(globTest('(prod)+').test('(prod)+')).toBe(true);
    expect(globTest('*[x]*').test('a[x]b')).toBe(true);
  });
});
