import { imageVersion, listenUntilStopped } from './servers';
import { listeningLocally, optionValue, reachable } from './server-kit';
import type { Program, ProgramContext } from './types';

/** The mongo image: mongod's structured log lines and a listener on 27017 (no wire protocol, no storage). */
const logLine = (c: string, id: number, ctxName: string, msg: string, attr?: object) =>
  JSON.stringify({ t: { $date: new Date().toISOString().replace('Z', '+00:00') }, s: 'I', c, id, ctx: ctxName, msg, ...(attr ? { attr } : {}) }) + '\n';

export const mongod: Program = async (ctx) => {
  const args = ctx.argv.slice(1);
  const version = imageVersion(ctx, '8.0.12');
  if (args.includes('--version')) {
    ctx.out(`db version v${version}\nBuild Info: {\n    "version": "${version}",\n    "gitVersion": "0000000000000000000000000000000000000000"\n}\n`);
    return 0;
  }
  // the entrypoint creates the root user only when both halves are given
  const user = ctx.env.MONGO_INITDB_ROOT_USERNAME || ctx.env.MONGO_INITDB_ROOT_USERNAME_FILE;
  const pass = ctx.env.MONGO_INITDB_ROOT_PASSWORD || ctx.env.MONGO_INITDB_ROOT_PASSWORD_FILE;
  if (!!user !== !!pass) {
    ctx.err(
      `error: missing '${user ? 'MONGO_INITDB_ROOT_PASSWORD' : 'MONGO_INITDB_ROOT_USERNAME'}' or '${user ? 'MONGO_INITDB_ROOT_PASSWORD_FILE' : 'MONGO_INITDB_ROOT_USERNAME_FILE'}'\n  both must be specified for a user to be created\n`,
    );
    return 1;
  }
  const port = Number(optionValue(args, undefined, 'port') ?? 27017);
  const pid = ctx.proc.pid;
  ctx.out(logLine('CONTROL', 23285, 'main', "Automatically disabling TLS 1.0, to force-enable TLS 1.0 specify --sslDisabledProtocols 'none'"));
  ctx.out(
    logLine('CONTROL', 4615611, 'initandlisten', 'MongoDB starting', {
      pid,
      port,
      dbPath: '/data/db',
      architecture: '64-bit',
      host: ctx.container.sandbox.config.hostname,
    }),
  );
  ctx.out(
    logLine('CONTROL', 23403, 'initandlisten', 'Build Info', {
      buildInfo: {
        version,
        openSSLVersion: 'OpenSSL 3.0.2 15 Mar 2022',
        modules: [],
        environment: { distmod: 'ubuntu2204', distarch: 'x86_64', target_arch: 'x86_64' },
      },
    }),
  );
  ctx.out(logLine('NETWORK', 23015, 'listener', 'Listening on', { address: '/tmp/mongodb-27017.sock' }));
  ctx.out(logLine('NETWORK', 23015, 'listener', 'Listening on', { address: '0.0.0.0' }));
  ctx.out(logLine('NETWORK', 23016, 'listener', 'Waiting for connections', { port, ssl: 'off' }));
  ctx.proc.handle('TERM', () => {
    ctx.out(logLine('CONTROL', 23377, 'SignalHandler', 'Received signal', { signal: 15, error: 'Terminated' }));
    ctx.out(logLine('CONTROL', 20565, 'SignalHandler', 'Now exiting'));
    ctx.proc.terminate(0);
  });
  return listenUntilStopped(ctx, port, (sock) =>
    sock.on('error', () => {
      /* client gone */
    }),
  );
};

/** `mongosh --eval 'db.adminCommand("ping")'` (the usual probe) and `db.version()`; nothing else */
async function shell(ctx: ProgramContext, legacy: boolean): Promise<number> {
  const args = ctx.argv.slice(1);
  const version = imageVersion(ctx, '8.0.12');
  if (args.includes('--version')) {
    ctx.out(legacy ? `MongoDB shell version v${version}\n` : '2.3.1\n');
    return 0;
  }
  const evalCode = optionValue(args, undefined, 'eval');
  const url = args.find((a) => a.startsWith('mongodb://'));
  const host = url ? (/^mongodb:\/\/(?:[^@/]*@)?([^:/?]+)/.exec(url)?.[1] ?? 'localhost') : (optionValue(args, undefined, 'host') ?? '127.0.0.1');
  const port = Number(url ? (/^mongodb:\/\/(?:[^@/]*@)?[^:/?]+:(\d+)/.exec(url)?.[1] ?? 27017) : (optionValue(args, undefined, 'port') ?? 27017));
  const local = host === 'localhost' || host === '127.0.0.1';
  if (!(local ? listeningLocally(ctx, port) : await reachable(ctx, host, port))) {
    ctx.err(
      legacy
        ? `Error: couldn't connect to server ${host}:${port}, connection attempt failed: SocketException: Error connecting to ${host}:${port} :: caused by :: Connection refused :\nexception: connect failed\nexiting with code 1\n`
        : `MongoNetworkError: connect ECONNREFUSED ${local ? '127.0.0.1' : host}:${port}\n`,
    );
    return 1;
  }
  if (evalCode === undefined) {
    ctx.err(`KubeLab's ${legacy ? 'mongo' : 'mongosh'} runs only --eval with db.adminCommand('ping') or db.version(); it has no interactive shell\n`);
    return 1;
  }
  if (/adminCommand\(\s*(\{\s*)?['"]?ping/.test(evalCode) || /runCommand\(\s*\{\s*ping/.test(evalCode)) ctx.out(legacy ? '{ "ok" : 1 }\n' : '{ ok: 1 }\n');
  else if (/db\.version\(\)/.test(evalCode)) ctx.out(version + '\n');
  else {
    ctx.err(`KubeLab's simulated mongod has no storage engine; only db.adminCommand('ping') and db.version() answer (got: ${evalCode})\n`);
    return 1;
  }
  return 0;
}

export const mongosh: Program = (ctx) => shell(ctx, false);
export const mongo: Program = (ctx) => shell(ctx, true);
