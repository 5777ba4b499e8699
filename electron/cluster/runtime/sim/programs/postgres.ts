import type { Duplex } from 'node:stream';
import { interruptibleSleep } from '../process';
import { imageVersion, listenUntilStopped } from './servers';
import { envOrFile, initialised, listeningLocally, markInitialised, optionValue, reachable } from './server-kit';
import type { Program, ProgramContext } from './types';

/**
 * The postgres image: docker-entrypoint.sh's password check and initdb output, then a postmaster that answers
 * the startup handshake with an error (no SQL engine) — enough for tcpSocket probes and pg_isready.
 */
const SOCKET_DIR = '/var/run/postgresql';

const pgTime = () => new Date().toISOString().replace('T', ' ').replace('Z', ' UTC');

function versionBanner(ctx: ProgramContext, version: string): string {
  return ctx.container.image.image.base === 'alpine'
    ? `PostgreSQL ${version} on x86_64-pc-linux-musl, compiled by gcc (Alpine 14.2.0) 14.2.0, 64-bit`
    : `PostgreSQL ${version} (Debian ${ctx.env.PG_VERSION ?? version}) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit`;
}

/** a backend's ErrorResponse message, as psql would print it */
function errorResponse(message: string): Buffer {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C0A000\0M${message}\0\0`, 'utf8');
  const head = Buffer.alloc(5);
  head[0] = 'E'.charCodeAt(0);
  head.writeUInt32BE(fields.length + 4, 1);
  return Buffer.concat([head, fields]);
}

export const postgres: Program = async (ctx) => {
  const args = ctx.argv.slice(1);
  const version = imageVersion(ctx, '18.0');
  if (args.includes('--version') || args.includes('-V')) {
    ctx.out(`postgres (PostgreSQL) ${version}${ctx.container.image.image.base === 'alpine' ? '' : ` (Debian ${ctx.env.PG_VERSION ?? version})`}\n`);
    return 0;
  }
  const pgdata = ctx.env.PGDATA ?? '/var/lib/postgresql/data';
  const marker = `${pgdata}/PG_VERSION`;
  const log = (pid: number, s: string) => ctx.err(`${pgTime()} [${pid}] ${s}\n`);
  const pid = ctx.proc.pid;
  if (await initialised(ctx, marker)) {
    ctx.out('\nPostgreSQL Database directory appears to contain a database; Skipping initialization\n\n');
  } else {
    const password = await envOrFile(ctx, 'POSTGRES_PASSWORD');
    if (!password && ctx.env.POSTGRES_HOST_AUTH_METHOD !== 'trust') {
      ctx.err(
        'Error: Database is uninitialized and superuser password is not specified.\n       You must specify POSTGRES_PASSWORD to a non-empty value for the\n       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".\n\n       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all\n       connections without a password. This is *not* recommended.\n\n       See PostgreSQL documentation about "trust":\n       https://www.postgresql.org/docs/current/auth-trust.html\n',
      );
      return 1;
    }
    const user = ctx.env.POSTGRES_USER || 'postgres';
    ctx.out(
      `The files belonging to this database system will be owned by user "postgres".\nThis user must also own the server process.\n\nThe database cluster will be initialized with locale "en_US.utf8".\nThe default database encoding has accordingly been set to "UTF8".\nThe default text search configuration will be set to "english".\n\nData page checksums are disabled.\n\nfixing permissions on existing directory ${pgdata} ... ok\ncreating subdirectories ... ok\nselecting dynamic shared memory implementation ... posix\nselecting default max_connections ... 100\nselecting default shared_buffers ... 128MB\nselecting default time zone ... Etc/UTC\ncreating configuration files ... ok\nrunning bootstrap script ... ok\nperforming post-bootstrap initialization ... ok\nsyncing data to disk ... ok\n\n\nSuccess. You can now start the database server using:\n\n    pg_ctl -D ${pgdata} -l logfile start\n\n`,
    );
    ctx.err(
      'initdb: warning: enabling "trust" authentication for local connections\ninitdb: hint: You can change this by editing pg_hba.conf or using the option -A, or --auth-local and --auth-host, the next time you run initdb.\n',
    );
    await interruptibleSleep(300, ctx.signal);
    ctx.out('waiting for server to start....');
    log(pid + 47, `LOG:  starting ${versionBanner(ctx, version)}`);
    log(pid + 47, `LOG:  listening on Unix socket "${SOCKET_DIR}/.s.PGSQL.5432"`);
    log(pid + 47, 'LOG:  database system is ready to accept connections');
    ctx.out(' done\nserver started\n');
    const db = ctx.env.POSTGRES_DB || user;
    if (db !== 'postgres') ctx.out('CREATE DATABASE\n');
    ctx.out('\n\n/usr/local/bin/docker-entrypoint.sh: ignoring /docker-entrypoint-initdb.d/*\n\n');
    await interruptibleSleep(200, ctx.signal);
    ctx.out('waiting for server to shut down....');
    log(pid + 47, 'LOG:  received fast shutdown request');
    log(pid + 47, 'LOG:  database system is shut down');
    ctx.out(' done\nserver stopped\n\nPostgreSQL init process complete; ready for start up.\n\n');
    await markInitialised(ctx, marker, version.split('.')[0] + '\n');
  }
  if (ctx.signal.aborted) return 0;
  const port = Number(optionValue(args, 'p', 'port') ?? 5432);
  log(pid, `LOG:  starting ${versionBanner(ctx, version)}`);
  log(pid, `LOG:  listening on IPv4 address "0.0.0.0", port ${port}`);
  log(pid, `LOG:  listening on IPv6 address "::", port ${port}`);
  log(pid, `LOG:  listening on Unix socket "${SOCKET_DIR}/.s.PGSQL.${port}"`);
  log(pid + 28, `LOG:  database system was shut down at ${pgTime().slice(0, 19)} UTC`);
  log(pid, 'LOG:  database system is ready to accept connections');
  const shutdown = (kind: string) => () => {
    log(pid, `LOG:  received ${kind} shutdown request`);
    if (kind === 'fast') log(pid, 'LOG:  aborting any active transactions');
    log(pid + 26, 'LOG:  shutting down');
    log(pid, 'LOG:  database system is shut down');
    ctx.proc.terminate(0);
  };
  ctx.proc.handle('TERM', shutdown('smart'));
  ctx.proc.handle('INT', shutdown('fast'));
  ctx.proc.handle('QUIT', shutdown('immediate'));
  return listenUntilStopped(ctx, port, (sock: Duplex) => {
    sock.on('data', (d: Buffer) => {
      // SSLRequest (80877103) gets "N"; anything else is a startup packet, refused with a clear reason
      if (d.length >= 8 && d.readUInt32BE(4) === 80877103) {
        sock.write('N');
        return;
      }
      sock.end(errorResponse("KubeLab's simulated postgres answers only the connection handshake (probes, pg_isready): it has no SQL engine"));
    });
    sock.on('error', () => {
      /* client gone */
    });
  });
};

/** pg_isready: 0 accepting, 2 no response; without -h it asks the Unix socket, i.e. this pod's own server */
export const pgIsready: Program = async (ctx) => {
  const args = ctx.argv.slice(1);
  if (args.includes('--version') || args.includes('-V')) {
    ctx.out(`pg_isready (PostgreSQL) ${imageVersion(ctx, '18.0')}\n`);
    return 0;
  }
  const host = optionValue(args, 'h', 'host') ?? ctx.env.PGHOST;
  const port = Number(optionValue(args, 'p', 'port') ?? ctx.env.PGPORT ?? 5432);
  const up = !host || host.startsWith('/') ? listeningLocally(ctx, port) : await reachable(ctx, host, port);
  const quiet = args.includes('-q') || args.includes('--quiet');
  if (!quiet) ctx.out(`${host ?? SOCKET_DIR}:${port} - ${up ? 'accepting connections' : 'no response'}\n`);
  return up ? 0 : 2;
};
