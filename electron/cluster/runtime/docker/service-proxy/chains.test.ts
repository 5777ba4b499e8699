import { describe, expect, it } from 'vitest';
import { hookRule, hooksIn, removePayload, servicesChain, syncPayload } from './chains';
import { mayWriteNetfilter } from './iptables';

const chain = servicesChain('6f5e89fb5c58');
const save = (extra: string[]) =>
  [
    '*filter',
    ':INPUT ACCEPT [0:0]',
    `-A INPUT -j ${chain}`,
    'COMMIT',
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ...extra,
    '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
    'COMMIT',
    '',
  ].join('\n');

describe('the Service proxy NAT rules', () => {
  it('names one chain per cluster within iptables’ 28 characters', () => {
    expect(chain).toBe('KUBELAB-6f5e89fb5c-SERVICES');
    expect(chain.length).toBeLessThanOrEqual(28);
  });

  it('declares the chain (flushing it), DNATs each Service port to its listener and hooks the bridge once', () => {
    const p = syncPayload({
      chain,
      bridge: 'br-a46026ba514d',
      gateway: '10.244.255.254',
      hooks: [],
      ports: [
        { service: 'kube-system/kube-dns:dns', clusterIP: '10.96.0.10', port: 53, protocol: 'UDP', proxyPort: 50154 },
        { service: 'default/kubernetes:https', clusterIP: '10.96.0.1', port: 443, protocol: 'TCP', proxyPort: 40123 },
      ],
    });
    expect(p).toBe(
      [
        '*nat',
        ':KUBELAB-6f5e89fb5c-SERVICES - [0:0]',
        '-A KUBELAB-6f5e89fb5c-SERVICES -d 10.96.0.1/32 -p tcp -m tcp --dport 443 -m comment --comment "default/kubernetes:https cluster IP" -j DNAT --to-destination 10.244.255.254:40123',
        '-A KUBELAB-6f5e89fb5c-SERVICES -d 10.96.0.10/32 -p udp -m udp --dport 53 -m comment --comment "kube-system/kube-dns:dns cluster IP" -j DNAT --to-destination 10.244.255.254:50154',
        '-I PREROUTING 1 -i br-a46026ba514d -j KUBELAB-6f5e89fb5c-SERVICES',
        'COMMIT',
        '',
      ].join('\n'),
    );
  });

  it('keeps a hook already there and deletes one an earlier run left on another bridge', () => {
    const current = save([`-A PREROUTING -i br-old -j ${chain}`, hookRule(chain, 'br-new')]);
    const hooks = hooksIn(current, chain);
    expect(hooks).toEqual([`-A PREROUTING -i br-old -j ${chain}`, `-A PREROUTING -i br-new -j ${chain}`]);
    const p = syncPayload({ chain, bridge: 'br-new', gateway: '10.244.255.254', hooks, ports: [] });
    expect(p).toContain(`-D PREROUTING -i br-old -j ${chain}\n`);
    expect(p).not.toContain('-I PREROUTING');
  });

  it('removes only its own hooks and chain, and nothing when the chain is gone', () => {
    const current = save([`:${chain} - [0:0]`, hookRule(chain, 'br-x'), '-A PREROUTING -i br-x -j KUBELAB-0000000000-SERVICES']);
    expect(removePayload(chain, current)).toBe(`*nat\n-D PREROUTING -i br-x -j ${chain}\n-F ${chain}\n-X ${chain}\nCOMMIT\n`);
    expect(removePayload(chain, save([]))).toBeUndefined();
  });

  it('writes the host table itself only with CAP_NET_ADMIN in its effective set', () => {
    expect(mayWriteNetfilter('Name:\tnode\nCapEff:\t000001fffeffffff\n')).toBe(true);
    expect(mayWriteNetfilter('Name:\tnode\nCapEff:\t0000000000001000\n')).toBe(true);
    expect(mayWriteNetfilter('Name:\tnode\nCapEff:\t0000000000000000\n')).toBe(false);
  });
});
