import { isIP } from 'node:net';
import { checkServerIdentity, connect as tlsConnect } from 'node:tls';
import type { Duplex } from 'node:stream';
import { defineCommand, latin1FromBytes, type Command, type ExecResult } from 'just-bash';
import { busyboxBanner } from '../programs/busybox';
import { httpRequest } from '../programs/http';
import { interruptibleSleep } from '../process';
import type { ShellHost } from './commands';

const fail = (stderr: string, exitCode = 1): ExecResult => ({ stdout: '', stderr, exitCode });

function parseUrl(raw: string): { host: string; port: number; path: string; https: boolean } | undefined {
  try {
    const u = new URL(/^[a-z]+:\/\//i.test(raw) ? raw : `http://${raw}`);
    return {
      host: u.hostname.replace(/^\[|\]$/g, ''),
      port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)),
      path: (u.pathname || '/') + u.search,
      https: u.protocol === 'https:',
    };
  } catch {
    return undefined;
  }
}

/** wget, curl, nc, ping and ip over the pod's simulated network (nslookup, dig, host: dns-commands.ts). */
export function networkCommands(h: ShellHost): Command[] {
  const sb = h.container.sandbox;
  const fetchUrl = async (
    url: string,
    method = 'GET',
    headers: Record<string, string> = {},
    body = '',
    timeoutMs = 10_000,
    timeoutCoversDns = true,
    tls: TlsChoice = { verify: false },
    onConnecting?: (address: string) => void,
  ) => {
    const u = parseUrl(url);
    if (!u) throw Object.assign(new Error('bad address'), { code: 'EINVAL' });
    // waiting on the network is not CPU time: a shell loop of requests (a load generator) is off the CPU meanwhile
    h.proc.cpuDemand = 0;
    // busybox wget's -T bounds the connection, not the name lookup (getaddrinfo has its own resolv.conf timeout)
    let target = u.host;
    if (!timeoutCoversDns && !isIP(target) && target !== 'localhost') {
      target = (await sb.resolve(target))[0] ?? '';
      if (!target) throw Object.assign(new Error(`bad address '${u.host}'`), { code: 'ENOTFOUND' });
    }
    const ip = target === 'localhost' ? '127.0.0.1' : target;
    onConnecting?.(isIP(ip) === 6 ? `[${ip}]:${u.port}` : `${ip}:${u.port}`);
    const plain = await withTimeout(sb.connect(target, u.port), timeoutMs);
    const sock = u.https ? await withTimeout(startTls(plain, u.host, tls), timeoutMs) : plain;
    const hostHeader = u.port === (u.https ? 443 : 80) ? u.host : `${u.host}:${u.port}`;
    return { u, res: await httpRequest(sock, method, hostHeader, u.path, headers, body, timeoutMs) };
  };
  return [
    defineCommand('wget', async (args, ctx) => {
      let out: string | undefined;
      let quiet = false;
      let spider = false;
      let timeout = 10_000;
      let url = '';
      let noCheck = false;
      const headers: Record<string, string> = { 'User-Agent': 'Wget' };
      for (let i = 0; i < args.length; i++) {
        const a = args[i];
        if (a === '-O') out = args[++i];
        else if (a.startsWith('-O') && a.length > 2) out = a.slice(2);
        else if (a === '-q' || a === '--quiet') quiet = true;
        else if (a === '-qO' || a === '-qO-') {
          quiet = true;
          out = a === '-qO-' ? '-' : args[++i];
        } else if (a === '--spider') spider = true;
        else if (a === '-T' || a === '--timeout') timeout = Number(args[++i]) * 1000;
        else if (a.startsWith('--timeout=')) timeout = Number(a.slice(10)) * 1000;
        else if (a === '--header') addHeader(headers, args[++i] ?? '');
        else if (a.startsWith('--header=')) addHeader(headers, a.slice(9));
        else if (a === '--no-check-certificate') noCheck = true;
        else if (!a.startsWith('-')) url = a;
      }
      const usage = `${busyboxBanner(h.container)}\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n`;
      // --help is a request, not a mistake: the same usage on stderr, status 0
      if (args.includes('--help')) return { stdout: '', stderr: usage, exitCode: 0 };
      if (!url) return fail(usage);
      // busybox names the host as the URL wrote it (with its port, if any) and the address it resolved to
      const asWritten = /^(?:[a-z]+:\/\/)?([^/?#]*)/i.exec(url)?.[1] ?? url;
      let stderr = '';
      let address = '';
      const connecting = (a: string) => {
        address = a;
        if (!quiet) stderr += `Connecting to ${asWritten} (${a})\n`;
      };
      // busybox's own TLS does not check the server's certificate, and says so (even with -q)
      const tlsNote = parseUrl(url)?.https && !noCheck ? 'wget: note: TLS certificate validation not implemented\n' : '';
      try {
        const { u, res } = await fetchUrl(url, 'GET', headers, '', timeout, false, undefined, (a) => {
          connecting(a);
          stderr += tlsNote;
        });
        if (res.status >= 400) return fail(stderr + `wget: server returned error: HTTP/1.1 ${res.status} ${res.statusText}\n`);
        if (spider) return { stdout: '', stderr: stderr + (quiet ? '' : 'remote file exists\n'), exitCode: 0 };
        const file = out ?? (u.path.split('?')[0].split('/').pop() || 'index.html');
        if (file === '-')
          return {
            stdout: res.body.toString('latin1'),
            stdoutKind: 'bytes',
            stderr: stderr + (quiet ? '' : `writing to stdout\n${progressLine('-', res.body.length)}written to stdout\n`),
            exitCode: 0,
          } as ExecResult;
        if (file !== '/dev/null') await h.container.fs.writeFile(file.startsWith('/') ? file : `${ctx.cwd}/${file}`, res.body);
        if (!quiet) stderr += `saving to '${file}'\n${progressLine(file, res.body.length)}'${file}' saved\n`;
        return { stdout: '', stderr, exitCode: 0 };
      } catch (e: any) {
        return fail(stderr + `wget: ${netMessage(e, parseUrl(url)?.host ?? url, address.replace(/:\d+$/, ''))}\n`);
      }
    }),
    defineCommand('curl', async (args, ctx) => {
      let method = 'GET';
      let silent = false;
      let showHeaders = false;
      let head = false;
      let failFlag = false;
      let writeOut = '';
      let out: string | undefined;
      let body = '';
      let timeout = 30_000;
      const headers: Record<string, string> = { 'User-Agent': 'curl/8.11.0' };
      let cacert: string | undefined;
      let insecure = false;
      let url = '';
      for (let i = 0; i < args.length; i++) {
        const a = args[i];
        if (a === '-X' || a === '--request') method = args[++i];
        else if (a === '-H' || a === '--header') addHeader(headers, args[++i] ?? '');
        else if (a === '--cacert') cacert = args[++i];
        else if (a === '-k' || a === '--insecure') insecure = true;
        else if (a === '-d' || a === '--data' || a === '--data-raw') {
          body = args[++i];
          if (method === 'GET') method = 'POST';
          headers['Content-Type'] ??= 'application/x-www-form-urlencoded';
        } else if (a === '-o' || a === '--output') out = args[++i];
        else if (a === '-w' || a === '--write-out') writeOut = args[++i];
        else if (a === '-m' || a === '--max-time' || a === '--connect-timeout') timeout = Number(args[++i]) * 1000;
        else if (a === '-I' || a === '--head') {
          head = true;
          method = 'HEAD';
        } else if (a.startsWith('-') && !a.startsWith('--') && a.length > 1) {
          for (const f of a.slice(1)) {
            if (f === 's') silent = true;
            else if (f === 'k') insecure = true;
            else if (f === 'i') showHeaders = true;
            else if (f === 'f') failFlag = true;
            else if (f === 'I') {
              head = true;
              method = 'HEAD';
            }
          }
        } else if (a === '--silent') silent = true;
        else if (a === '--fail') failFlag = true;
        else if (!a.startsWith('-')) url = a;
      }
      if (!url) return fail("curl: try 'curl --help' or 'curl --manual' for more information\n", 2);
      const quietErrors = silent && !args.includes('-S') && !args.some((a) => /^-\w*S/.test(a));
      let tls: TlsChoice = { verify: !insecure };
      if (cacert && !insecure) {
        const pem = await h.container.fs.readFile(h.container.fs.resolvePath(ctx.cwd, cacert)).catch(() => undefined);
        if (pem === undefined) return fail(quietErrors ? '' : `curl: (77) error setting certificate file: ${cacert}\n`, 77);
        tls = { verify: true, ca: pem };
      }
      try {
        const { res } = await fetchUrl(url, method, headers, body, timeout, true, tls);
        if (failFlag && res.status >= 400) return fail(silent ? '' : `curl: (22) The requested URL returned error: ${res.status}\n`, 22);
        const headText = `HTTP/1.1 ${res.status} ${res.statusText}\r\n${Object.entries(res.headers)
          .map(([k, v]) => `${k}: ${v}`)
          .join('\r\n')}\r\n\r\n`;
        let stdout = (showHeaders || head ? headText : '') + (head ? '' : res.body.toString('latin1'));
        if (out) {
          if (out !== '/dev/null') await h.container.fs.writeFile(out.startsWith('/') ? out : `${ctx.cwd}/${out}`, res.body);
          stdout = head || showHeaders ? headText : '';
        }
        if (writeOut) stdout += writeOut.replace(/%\{http_code\}/g, String(res.status)).replace(/\\n/g, '\n');
        return { stdout, stderr: '', exitCode: 0, stdoutKind: 'bytes' } as ExecResult;
      } catch (e: any) {
        const u = parseUrl(url);
        if (e.code === 'CURLE_PEER_FAILED_VERIFICATION') return fail(quietErrors ? '' : `curl: (60) ${e.message}\n`, 60);
        const code = e.code === 'ENOTFOUND' ? 6 : e.code === 'ETIMEDOUT' ? 28 : 7;
        const msg =
          e.code === 'ENOTFOUND'
            ? `Could not resolve host: ${u?.host}`
            : e.code === 'ETIMEDOUT'
              ? `Connection timed out after ${timeout} milliseconds`
              : `Failed to connect to ${u?.host} port ${u?.port} after 0 ms: Could not connect to server`;
        return fail(quietErrors ? '' : `curl: (${code}) ${msg}\n`, code);
      }
    }),
    defineCommand('nc', async (args, ctx) => {
      const zero = args.some((a) => /^-\w*z/.test(a));
      const wi = args.findIndex((a) => a === '-w');
      const timeout = wi >= 0 ? Number(args[wi + 1]) * 1000 : 10_000;
      const pos = args.filter((a, i) => !a.startsWith('-') && !(wi >= 0 && i === wi + 1));
      const [host, portStr] = pos;
      if (!host || !portStr) return fail(`${busyboxBanner(h.container)}\n\nUsage: nc [OPTIONS] HOST PORT  - connect\n`);
      try {
        const sock = await withTimeout(sb.connect(host, Number(portStr)), timeout);
        if (zero) {
          sock.end();
          return { stdout: '', stderr: args.some((a) => /^-\w*v/.test(a)) ? `${host} (${host}:${portStr}) open\n` : '', exitCode: 0 };
        }
        const chunks: Buffer[] = [];
        sock.on('data', (d: Buffer) => chunks.push(d));
        const input = Buffer.from(latin1FromBytes(ctx.stdin), 'latin1');
        if (input.length) sock.write(input);
        sock.end();
        await Promise.race([new Promise((r) => sock.on('end', r)), interruptibleSleep(timeout, h.run)]);
        return { stdout: Buffer.concat(chunks).toString('latin1'), stderr: '', exitCode: 0, stdoutKind: 'bytes' } as ExecResult;
      } catch (e: any) {
        return fail(`nc: ${netMessage(e, host, host)}\n`);
      }
    }),
    defineCommand('ping', async (args) => {
      const ci = args.indexOf('-c');
      const count = ci >= 0 ? Number(args[ci + 1]) : 4;
      const host = args.filter((a, i) => !a.startsWith('-') && i !== ci + 1).pop();
      if (!host) return fail('ping: usage error: Destination address required\n');
      const ips = isIP(host) ? [host] : await sb.resolve(host).catch(() => []);
      if (!ips.length) return fail(`ping: bad address '${host}'\n`);
      let out = `PING ${host} (${ips[0]}): 56 data bytes\n`;
      for (let i = 0; i < count && !h.run.aborted; i++) {
        out += `64 bytes from ${ips[0]}: seq=${i} ttl=64 time=0.${100 + Math.floor(Math.random() * 800)} ms\n`;
        if (i < count - 1) await interruptibleSleep(1000, h.run);
      }
      return {
        stdout: out + `\n--- ${host} ping statistics ---\n${count} packets transmitted, ${count} packets received, 0% packet loss\n`,
        stderr: '',
        exitCode: 0,
      };
    }),
    defineCommand('ip', async (args) => {
      const ip = sb.ip;
      // a hostNetwork pod sees the node's eth0 on the node bridge (172.18.0.0/16); others their veth end on cni0
      const host = sb.config.hostNetwork;
      const gw = host ? '172.18.0.1' : ip.replace(/\.\d+$/, '.1');
      const net = host ? '172.18.0.0/16' : `${ip.replace(/\.\d+$/, '.0')}/24`;
      const brd = host ? '172.18.255.255' : ip.replace(/\.\d+$/, '.255');
      if (args[0]?.startsWith('r')) return { stdout: `default via ${gw} dev eth0 \n${net} dev eth0 scope link  src ${ip} \n`, stderr: '', exitCode: 0 };
      return {
        stdout: `1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue qlen 1000\n    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n    inet 127.0.0.1/8 scope host lo\n       valid_lft forever preferred_lft forever\n2: eth0@if7: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1500 qdisc noqueue\n    link/ether 0a:58:${ip
          .split('.')
          .map((o) => Number(o).toString(16).padStart(2, '0'))
          .join(':')} brd ff:ff:ff:ff:ff:ff\n    inet ${ip}/${host ? 16 : 24} brd ${brd} scope global eth0\n       valid_lft forever preferred_lft forever\n`,
        stderr: '',
        exitCode: 0,
      };
    }),
  ];
}

function addHeader(headers: Record<string, string>, line: string): void {
  const i = line.indexOf(':');
  if (i > 0) headers[line.slice(0, i).trim()] = line.slice(i + 1).trim();
}

/** how a client checks the server: `verify` against `ca` (PEM) or, without it, the image's public CA bundle */
interface TlsChoice {
  verify: boolean;
  ca?: string;
}

const SSL_HELP =
  'More details here: https://curl.se/docs/sslcerts.html\n\ncurl failed to verify the legitimacy of the server and therefore could not\n' +
  'establish a secure connection to it. To learn more about this situation and\nhow to fix it, please visit the webpage mentioned above.';

/**
 * TLS over the simulated connection with Node's own TLS. The images' public CA bundles are not modelled: a server
 * signed by the cluster CA fails verification unless the client names the CA file (curl --cacert) or skips the check.
 */
function startTls(sock: Duplex, host: string, choice: TlsChoice): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({
      socket: sock,
      servername: isIP(host) ? undefined : host,
      ca: choice.ca,
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    s.once('error', reject);
    s.once('secureConnect', () => {
      if (choice.verify) {
        const problem = !choice.ca
          ? 'unable to get local issuer certificate'
          : s.authorized
            ? checkServerIdentity(host, s.getPeerCertificate())?.message
            : String(s.authorizationError);
        if (problem) {
          s.destroy();
          const msg = /does not match|not in the cert/i.test(problem)
            ? `SSL: no alternative certificate subject name matches target host name '${host}'`
            : `SSL certificate problem: ${problem === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' || problem === 'SELF_SIGNED_CERT_IN_CHAIN' ? 'unable to get local issuer certificate' : problem.toLowerCase().replace(/_/g, ' ')}`;
          reject(Object.assign(new Error(`${msg}\n${SSL_HELP}`), { code: 'CURLE_PEER_FAILED_VERIFICATION' }));
          return;
        }
      }
      resolve(s);
    });
  });
}

/** busybox's progress meter as it ends: the name in 20 columns, a full bar, the size (scaled past 99999) and the ETA */
function progressLine(name: string, bytes: number): string {
  let n = bytes;
  let unit = 0;
  while (n >= 100_000) {
    n = Math.floor(n / 1024);
    unit++;
  }
  return `${name.padEnd(20).slice(0, 20)} 100% |${'*'.repeat(32)}| ${String(n).padStart(5)}${' kMGTPEZY'[unit]} 0:00:00 ETA\n`;
}

/** address: what the name resolved to; busybox's xconnect names an IPv4 peer it could not reach */
function netMessage(e: any, host: string, address: string): string {
  if (e?.code === 'ENOTFOUND') return `bad address '${host}'`;
  if (e?.code === 'ETIMEDOUT') return 'download timed out';
  if (e?.code === 'ECONNREFUSED') return `can't connect to remote host${isIP(address) === 4 ? ` (${address})` : ''}: Connection refused`;
  return String(e?.message ?? e);
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}
