import { interruptibleSleep } from '../process';
import { serveHttp } from './http';
import { imageVersion, listenUntilStopped } from './servers';
import { listeningLocally } from './server-kit';
import type { Program, ProgramContext } from './types';

/**
 * The rabbitmq image: the broker's boot log, AMQP (5672), Prometheus (15692) and, in -management tags, the
 * management UI port (15672) bound; rabbitmq-diagnostics/rabbitmqctl answer the health checks people probe with.
 * No queues: AMQP connections are accepted and closed.
 */
const erlangFor = (v: string) => (v.startsWith('4.') ? '27.3.4' : v.startsWith('3.13') ? '26.2.5.13' : '25.3.2.15');
const rmqTime = () => new Date().toISOString().replace('T', ' ').replace('Z', '000+00:00');
const node = (ctx: ProgramContext) => `rabbit@${ctx.container.sandbox.config.hostname}`;

export const rabbitmqServer: Program = async (ctx) => {
  const version = imageVersion(ctx, '4.1.4');
  const management = ctx.container.image.image.variant?.startsWith('management');
  const log = (level: string, s: string) => ctx.out(`${rmqTime()} [${level}] <0.${230 + Math.floor(Math.random() * 400)}.0> ${s}\n`);
  log('notice', 'Logging: configured log handlers are now ACTIVE');
  log('info', `Starting RabbitMQ ${version} on Erlang ${erlangFor(version)} [jit]`);
  ctx.out(
    `\n  ##  ##      RabbitMQ ${version}\n  ##  ##\n  ##########  Copyright (c) 2007-2025 Broadcom Inc and/or its subsidiaries\n  ######  ##\n  ##########  Licensed under the MPL 2.0. Website: https://rabbitmq.com\n\n`,
  );
  log('info', `node           : ${node(ctx)}`);
  log('info', 'home dir       : /var/lib/rabbitmq');
  await interruptibleSleep(500, ctx.signal);
  if (ctx.signal.aborted) return 0;
  const extra: (() => void)[] = [];
  const bind = (port: number, http?: (path: string) => { status: number; body: string }) => {
    try {
      extra.push(
        ctx.container.sandbox.listen(port, (sock) =>
          http
            ? serveHttp(sock, (req) => http(req.path), 'Cowboy')
            : sock.on('error', () => {
                /* client gone */
              }),
        ),
      );
    } catch (e) {
      ctx.err(`kubelab: port ${port}: ${(e as Error).message}\n`);
    }
  };
  bind(15692, (p) =>
    p.startsWith('/metrics')
      ? { status: 200, body: '# TYPE rabbitmq_build_info untyped\nrabbitmq_build_info{rabbitmq_version="' + version + '"} 1\n' }
      : { status: 404, body: '' },
  );
  const plugins = ['rabbitmq_prometheus', 'rabbitmq_web_dispatch'];
  if (management) {
    bind(15672, (p) =>
      p.startsWith('/api/')
        ? { status: 401, body: '{"error":"not_authorized","reason":"Not_Authorized"}' }
        : { status: 200, body: '<!DOCTYPE html>\n<html><head><title>RabbitMQ Management</title></head><body></body></html>\n' },
    );
    plugins.push('rabbitmq_management', 'rabbitmq_management_agent');
    log('info', 'Management plugin: HTTP (non-TLS) listener started on port 15672');
  }
  log('info', 'Prometheus metrics: HTTP (non-TLS) listener started on port 15692');
  log('info', 'started TCP listener on [::]:5672');
  log('info', `Server startup complete; ${plugins.length} plugins started.`);
  for (const p of plugins.sort()) log('info', ` * ${p}`);
  log('info', `Time to start RabbitMQ: ${3800 + Math.floor(Math.random() * 1500)} ms`);
  ctx.proc.handle('TERM', () => {
    log('info', 'RabbitMQ is asked to stop...');
    log('info', 'Successfully stopped RabbitMQ and its dependencies');
    ctx.proc.terminate(0);
  });
  const code = await listenUntilStopped(ctx, 5672, (sock) => {
    sock.once('data', () => sock.end());
    sock.on('error', () => {
      /* client gone */
    });
  });
  for (const off of extra) off();
  return code;
};

/** rabbitmq-diagnostics / rabbitmqctl: ping, status, check_running, check_port_connectivity, check_local_alarms */
export const rabbitmqDiagnostics: Program = async (ctx) => {
  const sub = ctx.argv.slice(1).find((a) => !a.startsWith('-')) ?? '';
  const tool = ctx.argv[0];
  const up = listeningLocally(ctx, 5672);
  const quiet = ctx.argv.includes('-q') || ctx.argv.includes('--quiet');
  if (!['ping', 'status', 'check_running', 'check_port_connectivity', 'check_local_alarms', 'check_alarms', 'is_running', 'await_startup'].includes(sub)) {
    ctx.err(`KubeLab's ${tool} answers ping, status and the check_* health commands only (got: ${sub || 'nothing'})\n`);
    return 64;
  }
  if (!up) {
    ctx.err(`Error:\nUnable to perform an operation on node '${node(ctx)}'. Please see diagnostics information and suggestions below.\n`);
    return 69;
  }
  if (!quiet) {
    if (sub === 'ping')
      ctx.out(`Will ping ${node(ctx)}. This only checks if the OS process is running and registered with epmd. Timeout: 60000 ms.\nPing succeeded\n`);
    else if (sub === 'status')
      ctx.out(
        `Status of node ${node(ctx)} ...\nRuntime\n\nOS PID: ${ctx.proc.pid}\nOS: Linux\nUptime (seconds): 60\nRabbitMQ version: ${imageVersion(ctx, '4.1.4')}\nErlang version: ${erlangFor(imageVersion(ctx, '4.1.4'))}\n`,
      );
    else ctx.out(`Checking ... on node ${node(ctx)} ...\nSuccess\n`);
  }
  return 0;
};
