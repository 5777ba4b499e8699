import type { Duplex } from 'node:stream';
import { interruptibleSleep } from '../process';
import { imageVersion, listenUntilStopped } from './servers';
import { envOrFile, initialised, listeningLocally, markInitialised, optionValue, reachable, rfc3339Seconds } from './server-kit';
import type { Program } from './types';

/**
 * The mysql image: its entrypoint's checks and log lines, then a mysqld that completes the protocol's greeting
 * (enough for tcpSocket probes, `nc` and mysqladmin) but has no SQL engine.
 */
const DATA_MARKER = '/var/lib/mysql/mysql/.kubelab-initialised';
const SOCKET = '/var/run/mysqld/mysqld.sock';

const isoMicros = () => new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

/** one MySQL protocol packet: 3-byte length, sequence id, payload */
function packet(seq: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUIntLE(payload.length, 0, 3);
  head[3] = seq;
  return Buffer.concat([head, payload]);
}

/** Protocol::HandshakeV10, as the server sends first on every connection */
function greeting(version: string, threadId: number): Buffer {
  const scramble = Buffer.from('kubelabkubelabsimul', 'latin1');
  const caps = 0xdfffffff;
  const b = Buffer.concat([
    Buffer.from([10]),
    Buffer.from(version + '\0', 'latin1'),
    Buffer.from([threadId & 255, (threadId >> 8) & 255, 0, 0]),
    scramble.subarray(0, 8),
    Buffer.from([0, caps & 255, (caps >> 8) & 255, 255, 2, 0, (caps >> 16) & 255, (caps >> 24) & 255, 21]),
    Buffer.alloc(10),
    scramble.subarray(8),
    Buffer.from([0]),
    Buffer.from('caching_sha2_password\0', 'latin1'),
  ]);
  return packet(0, b);
}

function errPacket(seq: number, code: number, state: string, message: string): Buffer {
  return packet(seq, Buffer.concat([Buffer.from([0xff, code & 255, code >> 8]), Buffer.from('#' + state + message, 'utf8')]));
}

export const mysqld: Program = async (ctx) => {
  const args = ctx.argv.slice(1);
  const version = imageVersion(ctx, '9.4.0');
  const legacy = version.startsWith('5.');
  if (args.includes('--version') || args.includes('-V')) {
    ctx.out(`/usr/sbin/mysqld  Ver ${version} for Linux on x86_64 (MySQL Community Server - GPL)\n`);
    return 0;
  }
  const note = (s: string) => ctx.out(`${rfc3339Seconds()} [Note] [Entrypoint]: ${s}\n`);
  const server = (level: string, code: string, sub: string, msg: string) =>
    ctx.err(legacy ? `${isoMicros()} 0 [${level === 'System' ? 'Note' : level}] ${msg}\n` : `${isoMicros()} 0 [${level}] [${code}] [${sub}] ${msg}\n`);
  const full = ctx.env.MYSQL_VERSION ?? version;
  note(`Entrypoint script for MySQL Server ${full} started.`);
  note("Switching to dedicated user 'mysql'");
  note(`Entrypoint script for MySQL Server ${full} started.`);
  if (!(await initialised(ctx, DATA_MARKER))) {
    const root = await envOrFile(ctx, 'MYSQL_ROOT_PASSWORD');
    const allowEmpty = ctx.env.MYSQL_ALLOW_EMPTY_PASSWORD ?? '';
    const random = ctx.env.MYSQL_RANDOM_ROOT_PASSWORD ?? '';
    if (!root && !allowEmpty && !random) {
      ctx.err(
        `${rfc3339Seconds()} [ERROR] [Entrypoint]: Database is uninitialized and password option is not specified\n    You need to specify one of the following as an environment variable:\n    - MYSQL_ROOT_PASSWORD\n    - MYSQL_ALLOW_EMPTY_PASSWORD\n    - MYSQL_RANDOM_ROOT_PASSWORD\n`,
      );
      return 1;
    }
    if (ctx.env.MYSQL_USER === 'root') {
      ctx.err(
        `${rfc3339Seconds()} [ERROR] [Entrypoint]: MYSQL_USER="root", MYSQL_USER and MYSQL_PASSWORD are for configuring a regular user and cannot be used for the root user\n    Remove MYSQL_USER="root" and use one of the following to control the root user password:\n    - MYSQL_ROOT_PASSWORD\n    - MYSQL_ALLOW_EMPTY_PASSWORD\n    - MYSQL_RANDOM_ROOT_PASSWORD\n`,
      );
      return 1;
    }
    note('Initializing database files');
    server('System', 'MY-013169', 'Server', `/usr/sbin/mysqld (mysqld ${version}) initializing of server in progress as process ${ctx.proc.pid + 80}`);
    await interruptibleSleep(400, ctx.signal);
    server(
      'Warning',
      'MY-010453',
      'Server',
      'root@localhost is created with an empty password ! Please consider switching off the --initialize-insecure option.',
    );
    note('Database files initialized');
    note('Starting temporary server');
    await interruptibleSleep(300, ctx.signal);
    note('Temporary server started.');
    if (random) note(`GENERATED ROOT PASSWORD: ${Math.random().toString(36).slice(2, 14)}${Math.random().toString(36).slice(2, 14)}`);
    if (ctx.env.MYSQL_DATABASE) note(`Creating database ${ctx.env.MYSQL_DATABASE}`);
    if (ctx.env.MYSQL_USER && ctx.env.MYSQL_PASSWORD) note(`Creating user ${ctx.env.MYSQL_USER}`);
    if (ctx.env.MYSQL_USER && ctx.env.MYSQL_DATABASE) note(`Giving user ${ctx.env.MYSQL_USER} access to schema ${ctx.env.MYSQL_DATABASE}`);
    ctx.out('\n');
    note('Stopping temporary server');
    await interruptibleSleep(300, ctx.signal);
    note('Temporary server stopped');
    ctx.out('\n');
    note('MySQL init process done. Ready for start up.');
    ctx.out('\n');
    await markInitialised(ctx, DATA_MARKER, `root:${root}\n`);
  }
  if (ctx.signal.aborted) return 0;
  server('System', 'MY-010116', 'Server', `/usr/sbin/mysqld (mysqld ${version}) starting as process ${ctx.proc.pid}`);
  server('System', 'MY-013576', 'InnoDB', 'InnoDB initialization has started.');
  await interruptibleSleep(200, ctx.signal);
  server('System', 'MY-013577', 'InnoDB', 'InnoDB initialization has ended.');
  const port = Number(optionValue(args, 'P', 'port') ?? 3306);
  let xPlugin: (() => void) | undefined;
  if (!legacy) {
    try {
      xPlugin = ctx.container.sandbox.listen(33060, (sock) =>
        sock.on('error', () => {
          /* client gone */
        }),
      );
    } catch {
      /* port taken: the real X plugin logs and carries on */
    }
    server('System', 'MY-011323', 'Server', `X Plugin ready for connections. Bind-address: '::' port: 33060, socket: /var/run/mysqld/mysqlx.sock`);
  }
  ctx.err(
    legacy
      ? `${isoMicros()} 0 [Note] mysqld: ready for connections.\nVersion: '${version}'  socket: '${SOCKET}'  port: ${port}  MySQL Community Server (GPL)\n`
      : `${isoMicros()} 0 [System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: '${version}'  socket: '${SOCKET}'  port: ${port}  MySQL Community Server - GPL.\n`,
  );
  for (const sig of ['TERM', 'INT'] as const)
    ctx.proc.handle(sig, () => {
      server('System', 'MY-013172', 'Server', `Received SHUTDOWN from user <via user signal>. Shutting down mysqld (Version: ${version}).`);
      server('System', 'MY-010910', 'Server', `/usr/sbin/mysqld: Shutdown complete (mysqld ${version})  MySQL Community Server - GPL.`);
      ctx.proc.terminate(0);
    });
  let thread = 8;
  const code = await listenUntilStopped(ctx, port, (sock: Duplex) => {
    sock.write(greeting(version, thread++));
    sock.once('data', () => {
      sock.end(errPacket(2, 1045, '28000', "KubeLab's simulated mysqld answers only the protocol greeting (probes, mysqladmin ping): it has no SQL engine"));
    });
    sock.on('error', () => {
      /* client gone */
    });
  });
  xPlugin?.();
  return code;
};

/** mysqladmin ping/status/version: alive when the server's socket (localhost) or host:port answers */
export const mysqladmin: Program = async (ctx) => {
  const args = ctx.argv.slice(1);
  const version = imageVersion(ctx, '9.4.0');
  const host = optionValue(args, 'h', 'host') ?? 'localhost';
  const port = Number(optionValue(args, 'P', 'port') ?? 3306);
  if (args.some((a) => /^-p./.test(a) || a.startsWith('--password=')))
    ctx.err('mysqladmin: [Warning] Using a password on the command line interface can be insecure.\n');
  const commands = args.filter((a, i) => !a.startsWith('-') && !['-h', '-P', '-u', '--host', '--port', '--user'].includes(args[i - 1] ?? ''));
  if (args.includes('--version') || args.includes('-V')) {
    ctx.out(`mysqladmin  Ver ${version} for Linux on x86_64 (MySQL Community Server - GPL)\n`);
    return 0;
  }
  if (!commands.length) {
    ctx.err(`mysqladmin  Ver ${version} for Linux on x86_64 (MySQL Community Server - GPL)\nUsage: mysqladmin [OPTIONS] command command....\n`);
    return 1;
  }
  const viaSocket = host === 'localhost';
  const up = viaSocket ? listeningLocally(ctx, 3306) : await reachable(ctx, host, port);
  if (!up) {
    ctx.err(
      viaSocket
        ? `mysqladmin: connect to server at 'localhost' failed\nerror: 'Can't connect to local MySQL server through socket '${SOCKET}' (2)'\nCheck that mysqld is running and that the socket: '${SOCKET}' exists!\n`
        : `mysqladmin: connect to server at '${host}' failed\nerror: 'Can't connect to MySQL server on '${host}:${port}' (111)'\nCheck that mysqld is running on ${host} and that the port is ${port}.\nYou can check this by doing 'telnet ${host} ${port}'\n`,
    );
    return 1;
  }
  for (const c of commands) {
    if (c === 'ping') ctx.out('mysqld is alive\n');
    else if (c === 'version' || c === 'status')
      ctx.out(
        c === 'version'
          ? `mysqladmin  Ver ${version} for Linux on x86_64 (MySQL Community Server - GPL)\n\nServer version\t\t${version}\nProtocol version\t10\nConnection\t\t${viaSocket ? 'Localhost via UNIX socket' : `${host} via TCP/IP`}\n`
          : 'Uptime: 60  Threads: 2  Questions: 2  Slow queries: 0  Opens: 119  Flush tables: 3  Open tables: 38  Queries per second avg: 0.033\n',
      );
    else {
      ctx.err(`mysqladmin: Unknown command: '${c}'\n`);
      return 1;
    }
  }
  return 0;
};

/** the mysql client for readiness checks: `mysql -h127.0.0.1 -e 'SELECT 1'`; any other statement meets the missing SQL engine */
export const mysql: Program = async (ctx) => {
  const args = ctx.argv.slice(1);
  const version = imageVersion(ctx, '9.4.0');
  if (args.includes('--version') || args.includes('-V')) {
    ctx.out(`mysql  Ver ${version} for Linux on x86_64 (MySQL Community Server - GPL)\n`);
    return 0;
  }
  const host = optionValue(args, 'h', 'host') ?? 'localhost';
  const port = Number(optionValue(args, 'P', 'port') ?? 3306);
  const sql = optionValue(args, 'e', 'execute');
  if (args.some((a) => /^-p./.test(a) || a.startsWith('--password=')))
    ctx.err('mysql: [Warning] Using a password on the command line interface can be insecure.\n');
  const viaSocket = host === 'localhost';
  if (!(viaSocket ? listeningLocally(ctx, 3306) : await reachable(ctx, host, port))) {
    ctx.err(
      viaSocket
        ? `ERROR 2002 (HY000): Can't connect to local MySQL server through socket '${SOCKET}' (2)\n`
        : `ERROR 2003 (HY000): Can't connect to MySQL server on '${host}:${port}' (111)\n`,
    );
    return 1;
  }
  const select = sql === undefined ? undefined : /^\s*select\s+(\d+)\s*;?\s*$/i.exec(sql);
  if (select) {
    ctx.out(`${select[1]}\n${select[1]}\n`);
    return 0;
  }
  ctx.err(
    `ERROR 1105 (HY000): KubeLab's simulated mysqld has no SQL engine; only \`SELECT <number>\` answers${sql === undefined ? ' (and there is no interactive client)' : ''}\n`,
  );
  return 1;
};
