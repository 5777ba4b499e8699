// The Network view's data through a Session, as the renderer gets it: the matrix, and a pushed update when a
// policy is applied through the same API the YAML editor uses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppServices, type AppServices, type Session } from './services';
import type { NetworkMatrixView } from './ipc-contract';
import { waitFor } from '../../test/harness';

const dataDir = mkdtempSync(join(tmpdir(), 'kubelab-net-'));
let services: AppServices;
let session: Session;
const pushed: NetworkMatrixView[] = [];

beforeAll(async () => {
  services = createAppServices({ dataDir, mode: 'web', cluster: { port: 0 }, shell: '/bin/bash' });
  session = services.connect((event, payload) => {
    if (event === 'network.changed') pushed.push(payload as NetworkMatrixView);
  });
  await services.start();
}, 120_000);
afterAll(async () => {
  session?.dispose();
  await services?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const pods = ['a', 'b']
  .map((n) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${n}, namespace: shop, labels: {app: ${n}}}\nspec:\n  containers: [{name: c, image: nginx}]\n`)
  .join('---\n');

describe('network matrix over the IPC', () => {
  it('draws the pods, then recolours when a policy is applied', async () => {
    const ns = await session.call('yaml.apply', { yaml: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n', dryRun: false });
    expect(ns.ok).toBe(true);
    expect((await session.call('yaml.apply', { yaml: pods, dryRun: false })).ok).toBe(true);
    const first = (await waitFor(
      async () => {
        const m = await session.call('network.watch', { namespaces: ['shop'], port: 80 });
        return m.pods.length === 2 ? m : undefined;
      },
      { timeoutMs: 60_000, what: 'both pods with IPs in the matrix' },
    )) as NetworkMatrixView;
    expect(first.pods).toEqual(['shop/a', 'shop/b']);
    expect(first.cells.flat().every((c) => c.allowed)).toBe(true);

    const policy =
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: only-a, namespace: shop}\nspec:\n  podSelector: {matchLabels: {app: b}}\n  ingress: [{from: [{podSelector: {matchLabels: {app: x}}}]}]\n';
    expect((await session.call('yaml.apply', { yaml: policy, dryRun: false })).ok).toBe(true);
    const next = (await waitFor(() => pushed.find((m) => m.policies === 1), { what: 'a pushed matrix with the policy' }))!;
    const aToB = next.cells[0][1];
    expect(aToB.allowed).toBe(false);
    expect(aToB.policies).toEqual(['shop/only-a']);
    expect(aToB.reason).toContain('shop/b is isolated for ingress by shop/only-a; no rule admits shop/a on 80/TCP');
    expect(next.cells[1][0].allowed).toBe(true);
  });

  it('answers a bad port with a clear error', async () => {
    await expect(session.call('network.matrix', { port: 70000 })).rejects.toThrow('port must be between 1 and 65535, inclusive');
  });
});
