import { admissionWebhook } from './admission-webhook';
import { busybox } from './busybox';
import { gunicorn } from './httpbin';
import { memcached } from './memcached';
import { mongo, mongod, mongosh } from './mongo';
import { mysql, mysqladmin, mysqld } from './mysql';
import { pgIsready, postgres } from './postgres';
import { rabbitmqDiagnostics, rabbitmqServer } from './rabbitmq';
import { go, node, python } from './runtimes';
import type { Program } from './types';

/** programs of the database, broker and runtime images; which image has which is the catalogue's `programs` */
export const IMAGE_PROGRAMS: Record<string, Program> = {
  busybox,
  mysqld,
  mysqladmin,
  mysql,
  postgres,
  pg_isready: pgIsready,
  mongod,
  mongosh,
  mongo,
  memcached,
  'rabbitmq-server': rabbitmqServer,
  'rabbitmq-diagnostics': rabbitmqDiagnostics,
  rabbitmqctl: rabbitmqDiagnostics,
  python,
  python3: python,
  node,
  go,
  gunicorn,
  'admission-webhook': admissionWebhook,
};
