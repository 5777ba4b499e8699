import { describe, expect, it } from 'vitest';
import { parseCorefile, CorefileError } from './corefile';
import { loadCorefile } from './config';
import { DEFAULT_COREFILE } from './manifests';

describe('Corefile parser', () => {
  it("parses kubeadm's default Corefile into one server block with its plugins", () => {
    const [block] = parseCorefile(DEFAULT_COREFILE);
    expect(block.keys).toEqual(['.:53']);
    expect(block.directives.map((d) => d.name)).toEqual([
      'errors',
      'health',
      'ready',
      'kubernetes',
      'prometheus',
      'forward',
      'cache',
      'loop',
      'reload',
      'loadbalance',
    ]);
    const k = block.directives.find((d) => d.name === 'kubernetes')!;
    expect(k.args).toEqual(['cluster.local', 'in-addr.arpa', 'ip6.arpa']);
    expect(k.block.map((d) => [d.name, ...d.args])).toEqual([
      ['pods', 'insecure'],
      ['fallthrough', 'in-addr.arpa', 'ip6.arpa'],
      ['ttl', '30'],
    ]);
  });

  it('sets up the plugins: zones, pods mode, ttl, fallthrough, forward targets, cache exclusions', () => {
    const [s] = loadCorefile(DEFAULT_COREFILE).servers;
    expect(s.zones).toEqual(['.']);
    expect(s.port).toBe(53);
    expect(s.kubernetes).toMatchObject({
      zones: ['cluster.local.', 'in-addr.arpa.', 'ip6.arpa.'],
      pods: 'insecure',
      ttl: 30,
      fallthrough: ['in-addr.arpa.', 'ip6.arpa.'],
    });
    expect(s.forward).toEqual({ from: '.', to: ['resolv.conf'], except: [] });
    expect(s.cache).toMatchObject({ ttl: 30, disableSuccess: ['cluster.local.'], disableDenial: ['cluster.local.'] });
    expect(s.health).toEqual({ port: 8080 });
    expect(s.ready).toEqual({ port: 8181 });
    expect(s.reload).toBeDefined();
    expect(s.loadbalance).toBe(true);
  });

  it('reads comments, quoted arguments, several server blocks, snippets and inline hosts entries', () => {
    const src = `# stub zone
(common) {
  errors
}
example.org:53 {
  import common
  forward . 10.0.0.53:5353
}
.:53 {
  import common
  hosts {
    1.2.3.4 db.example.com "db"
    fallthrough
  }
  rewrite name exact foo.example.com web.default.svc.cluster.local
}
`;
    const cfg = loadCorefile(src);
    expect(cfg.servers.map((s) => s.zones)).toEqual([['example.org.'], ['.']]);
    expect(cfg.servers[0].errors).toBe(true);
    expect(cfg.servers[0].forward?.to).toEqual([{ ip: '10.0.0.53', port: 5353 }]);
    expect(cfg.servers[1].hosts?.entries.get('db.example.com.')).toEqual(['1.2.3.4']);
    expect(cfg.servers[1].hosts?.entries.get('db.')).toEqual(['1.2.3.4']);
    expect(cfg.servers[1].hosts?.fallthrough).toEqual(['.']);
    expect(cfg.servers[1].rewrite).toEqual([{ stop: true, match: 'exact', from: 'foo.example.com.', to: 'web.default.svc.cluster.local.' }]);
  });

  it('rejects what CoreDNS rejects, with its wording and line numbers', () => {
    const err = (src: string) => {
      try {
        loadCorefile(src);
      } catch (e) {
        expect(e).toBeInstanceOf(CorefileError);
        return (e as Error).message;
      }
      return 'parsed';
    };
    expect(err('.:53 {\n  errors\n  foo\n}\n')).toBe("Corefile:3 - Error during parsing: Unknown directive 'foo'");
    expect(err('.:53 {\n  errors\n')).toMatch(/^Corefile:2 - Error during parsing: Unexpected EOF/);
    expect(err('.:53 {\n  kubernetes cluster.local {\n    pods sometimes\n  }\n}\n')).toBe(
      'Corefile:3 - Error during parsing: invalid value for pods: sometimes, must be one of: disabled, verified, insecure',
    );
    expect(err('.:53 {\n  forward . not-an-ip\n}\n')).toBe('Corefile:2 - Error during parsing: not an IP address or file: "not-an-ip"');
    expect(err('.:53 {\n  cache\n  cache 30\n}\n')).toMatch(/^Corefile:3 - .*can only be used once per Server Block/);
    expect(err('.:53 {\n  errors\n}\n}\n')).toBe("Corefile:4 - Error during parsing: Unexpected token '}', expecting '{'");
  });
});
