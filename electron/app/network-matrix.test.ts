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
    expect(next.cells[0][1].allowed).toBe(false);
    expect(next.cells[1][0].allowed).toBe(true);
    // the reasons come per clicked cell, from the data path's engine
    const why = await session.call('network.explain', { from: 'shop/a', to: 'shop/b', port: 80 });
    expect(why.allowed).toBe(false);
    expect(why.policies).toEqual(['shop/only-a']);
    expect(why.reason).toContain('shop/b is isolated for ingress by shop/only-a; no rule admits shop/a on 80/TCP');
  });

  it('previews a draft with the server dry run: field errors, or the matrix it would produce, never applied', async () => {
    const bad =
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: draft, namespace: shop}\nspec:\n  podSelector: {}\n  ingress:\n  - from: [{ipBlock: {cidr: 10.0.0.0/33}}]\n';
    const refused = await session.call('network.preview', { yaml: bad, namespaces: ['shop'], port: 80 });
    expect(refused.matrix).toBeUndefined();
    expect(refused.result.ok).toBe(false);
    expect(refused.result.items[0].error?.code).toBe(422);
    expect(refused.result.items[0].error?.fields[0]).toMatchObject({ field: 'spec.ingress[0].from[0].ipBlock.cidr', line: 7 });

    // a deny-all for shop/a: the cell b → a would turn red
    const draft =
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: draft, namespace: shop}\nspec:\n  podSelector: {matchLabels: {app: a}}\n';
    const preview = await session.call('network.preview', { yaml: draft, namespaces: ['shop'], port: 80 });
    expect(preview.result.ok).toBe(true);
    expect(preview.result.items[0].action).toBe('created (server dry run)');
    expect(preview.matrix!.pods).toEqual(['shop/a', 'shop/b']);
    expect(preview.matrix!.cells[1][0]).toEqual({ allowed: false, changed: true });
    expect(preview.matrix!.cells[0][1]).toEqual({ allowed: false });
    expect(preview.matrix!.policies).toBe(2);
    // nothing was stored or enforced
    const live = await session.call('network.matrix', { namespaces: ['shop'], port: 80 });
    expect(live.policies).toBe(1);
    expect(live.cells[1][0].allowed).toBe(true);

    // a draft replacing the existing policy by name: only what changes is marked
    const replace = draft.replace('name: draft', 'name: only-a');
    const swapped = await session.call('network.preview', { yaml: replace, namespaces: ['shop'], port: 80 });
    expect(swapped.result.ok).toBe(true);
    expect(swapped.matrix!.cells[0][1]).toEqual({ allowed: true, changed: true });
    expect(swapped.matrix!.cells[1][0]).toEqual({ allowed: false, changed: true });
    expect(swapped.matrix!.policies).toBe(1);
  });

  it('refuses a draft that is not one NetworkPolicy', async () => {
    await expect(session.call('network.preview', { yaml: 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n', port: 80 })).rejects.toThrow(
      'a draft must be one NetworkPolicy (apiVersion networking.k8s.io/v1), not Pod v1',
    );
    await expect(session.call('network.preview', { yaml: '# nothing yet\n', port: 80 })).rejects.toThrow('a draft must be one NetworkPolicy, not 0 documents');
    await expect(session.call('network.preview', { yaml: 'kind: NetworkPolicy\n', port: 0 })).rejects.toThrow(
      'network.preview: params.port: must be an integer from 1 to 65535, got number 0',
    );
  });

  it('answers a bad port with a clear error', async () => {
    await expect(session.call('network.matrix', { port: 70000 })).rejects.toThrow(
      'network.matrix: params.port: must be an integer from 1 to 65535, got number 70000',
    );
  });
});
