/**
 * The kube module through the real, built shoji: the context and namespace on the one-shot status
 * line from ~/.kube/config and from two files in $KUBECONFIG (the Kubernetes documentation's
 * config-demo and config-demo-2 shapes), a `kubectl config use-context` picked up, a broken file
 * shown as failed with its file and line and recovered from, a critical context, and the YAML
 * parser left unloaded while the kubeconfig is unchanged (NODE_DEBUG=module lists every bundle
 * Node loads: dist/lazy/yaml.cjs is the parser).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requireBuild, runShoji, sandbox, type Sandbox, waitFor } from '../helpers/cli.js';

const CONTEXTS = `apiVersion: v1
clusters:
- cluster:
    certificate-authority: fake-ca-file
    server: https://1.2.3.4
  name: development
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
current-context: CURRENT
kind: Config
preferences: {}
users:
- name: developer
  user:
    client-certificate: fake-cert-file
    client-key: fake-key-file
`;
const DEMO_2 =
  'apiVersion: v1\nkind: Config\npreferences: {}\n\ncontexts:\n- context:\n    cluster: development\n    namespace: ramp\n    user: developer\n  name: dev-ramp-up\n';

let sb: Sandbox;
let kubeconfig: string;
beforeAll(() => requireBuild());
beforeEach(() => {
  sb = sandbox();
  kubeconfig = join(sb.env.HOME!, '.kube', 'config');
  mkdirSync(join(sb.env.HOME!, '.kube'));
  config('');
});
afterEach(() => sb.cleanup());

/** The config: kube alone on the right, due again a quarter of a second after each collect. */
function config(moduleOptions: string) {
  writeFileSync(join(sb.configDir, 'config.yaml'), `icons: ascii\nleft: []\nright: [kube]\nmodules:\n  kube:\n    interval: 0.25\n${moduleOptions}`);
}
const use = (context: string) => writeFileSync(kubeconfig, CONTEXTS.replace('CURRENT', context));
const status = (format: string, env: NodeJS.ProcessEnv = {}) => runShoji(['status', '--format', format, '--side', 'right'], { ...sb.env, ...env });
const due = () => new Promise((r) => setTimeout(r, 300));
const segment = async (env: NodeJS.ProcessEnv = {}) => JSON.parse((await status('json', env)).stdout).right[0];

describe('the kube segment of shoji status', () => {
  it('shows the context and namespace of ~/.kube/config, and a use-context at the next collect', async () => {
    use('dev-frontend');
    const r = await status('plain');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('k8s dev-frontend:frontend\n');
    use('dev-storage');
    await due();
    expect((await status('plain')).stdout).toBe('k8s dev-storage:storage\n');
  });

  it('merges the files of $KUBECONFIG: current-context from the first, the context from the file that defines it', async () => {
    use('dev-ramp-up');
    const second = join(sb.dir, 'config-demo-2');
    writeFileSync(second, DEMO_2);
    const s = await segment({ KUBECONFIG: `${kubeconfig}:${second}` });
    expect(s).toMatchObject({ text: 'dev-ramp-up:ramp', state: 'info', data: { context: 'dev-ramp-up', file: second, currentContextFile: kubeconfig } });
  });

  it('a broken kubeconfig shows the module failed with the file and line; the next good edit recovers', async () => {
    use('dev-frontend');
    await status('plain');
    writeFileSync(kubeconfig, 'current-context: dev-frontend\ncontexts: [\n');
    await due();
    const failed = await segment();
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(new RegExp(`^${kubeconfig} line 3, column 1: `));
    use('dev-storage');
    // A failed module is tried again after a back-off (a second at least), not at its interval.
    const recovered = await waitFor('the fixed kubeconfig to be read', async () => {
      const s = await segment();
      return s.state !== 'failed' && s;
    });
    expect(recovered).toMatchObject({ state: 'info', text: 'dev-storage:storage' });
  });

  it('turns critical in a context matching critical_contexts', async () => {
    config('    critical_contexts: ["dev-s*"]\n');
    use('dev-storage');
    expect(await segment()).toMatchObject({ state: 'critical', text: 'dev-storage:storage' });
  });

  it('loads the YAML parser when the kubeconfig changed, and not while it is unchanged', async () => {
    use('dev-frontend');
    const loads = async () => {
      await due();
      const r = await status('plain', { NODE_DEBUG: 'module' });
      expect(r.stdout).toBe('k8s dev-frontend:frontend\n');
      return r.stderr.includes('lazy/yaml.cjs');
    };
    expect(await loads()).toBe(true);
    expect(await loads()).toBe(false);
    expect(await loads()).toBe(false);
    use('dev-frontend'); // written again, the same text: only its mtime changed
    expect(await loads()).toBe(true);
  });
});
