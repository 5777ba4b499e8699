import { defineCommand, type Command } from 'just-bash';
import { busyboxBanner } from '../programs/busybox';
import { profileFor } from './profiles';
import type { ShellHost } from './commands';
import type { DnsToolEnv } from '../../../network/dns/tools/env';
import { bindNslookup, busyboxNslookup, legacyBusyboxNslookup } from '../../../network/dns/tools/nslookup';
import { dig } from '../../../network/dns/tools/dig';
import { host } from '../../../network/dns/tools/host';

/** busybox's nslookup before the 1.29 rewrite used libc's resolver and printed `Address 1:` lines */
function legacyBusybox(version: string | undefined): boolean {
  const [maj, min] = (version ?? '').split('.').map(Number);
  return maj === 1 && min < 29;
}

/** nslookup, dig and host over the pod's resolv.conf and the cluster network's DNS */
export function dnsCommands(h: ShellHost): Command[] {
  const c = h.container;
  const sb = c.sandbox;
  const env = (): DnsToolEnv => ({
    nameservers: sb.config.dns.servers,
    searches: sb.config.dns.searches,
    options: sb.config.dns.options,
    send: (s, q) => sb.dnsExchange(s, q),
  });
  const busyboxFamily = profileFor(c.image.image).family === 'busybox';
  return [
    defineCommand('nslookup', async (args) => {
      if (!busyboxFamily) return bindNslookup(args, env());
      const busyboxImage = c.image.image.base === 'busybox';
      return busyboxImage && legacyBusybox(c.image.image.version)
        ? legacyBusyboxNslookup(args, env(), busyboxBanner(c))
        : busyboxNslookup(args, env(), busyboxBanner(c));
    }),
    defineCommand('dig', async (args) => dig(args, env())),
    defineCommand('host', async (args) => host(args, env())),
  ];
}
