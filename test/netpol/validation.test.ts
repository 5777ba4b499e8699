// NetworkPolicy bad input through the API: upstream's field errors, 422, never a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../harness';
import { R } from '../../electron/cluster/client/resources';
import type { StatusError } from '../../electron/cluster/api/errors';

let t: TestCluster;
beforeAll(async () => {
  t = await startTestCluster({ nodes: 1 });
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

const create = (ingress: unknown[]) =>
  t.client.create(
    R.networkpolicies,
    'default',
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'v' },
      spec: { podSelector: {}, ingress },
    },
    { dryRun: true },
  );
async function rejected(ingress: unknown[]): Promise<string> {
  const err = await create(ingress).then(
    () => undefined,
    (e: StatusError) => e,
  );
  expect(err?.code).toBe(422);
  return err!.message;
}

describe('NetworkPolicy validation', () => {
  it.each([
    [
      'a CIDR with too many bits',
      [{ from: [{ ipBlock: { cidr: '10.0.0.0/33' } }] }],
      'spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "10.0.0.0/33": must be a valid CIDR value',
    ],
    [
      'an except outside the cidr',
      [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['11.0.0.0/16'] } }] }],
      'spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "11.0.0.0/16": must be a strict subset of `cidr`',
    ],
    [
      'an except as large as the cidr',
      [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.0.0.0/8'] } }] }],
      'ipBlock.except[0]: Invalid value: "10.0.0.0/8": must be a strict subset of `cidr`',
    ],
    ['endPort without port', [{ ports: [{ endPort: 90 }] }], 'spec.ingress[0].ports[0].port: Required value: must be specified when `endPort` is specified'],
    [
      'endPort below port',
      [{ ports: [{ port: 90, endPort: 80 }] }],
      'spec.ingress[0].ports[0].endPort: Invalid value: 80: must be greater than or equal to `port`',
    ],
    [
      'endPort with a named port',
      [{ ports: [{ port: 'http', endPort: 90 }] }],
      'spec.ingress[0].ports[0].endPort: Invalid value: 90: may not be specified when `port` is non-numeric',
    ],
    ['an empty peer', [{ from: [{}] }], 'spec.ingress[0].from[0]: Required value: must specify a peer'],
  ])('rejects %s', async (_what, ingress, message) => {
    expect(await rejected(ingress)).toContain(message);
  });

  it('accepts an except strictly inside the cidr', async () => {
    await expect(create([{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16', '10.2.3.4/32'] } }] }])).resolves.toBeTruthy();
  });
});
