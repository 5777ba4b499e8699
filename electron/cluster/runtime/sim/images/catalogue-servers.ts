import type { CatalogueImage, ImageVariant } from './catalogue';

/**
 * Database, broker and language-runtime images, with the config their real images publish (entrypoint, cmd,
 * env, workdir, user, exposed ports as `docker inspect` shows them). Their processes are the TypeScript
 * programs in ../programs/databases.ts, brokers.ts and runtimes.ts.
 */
const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const ENTRYPOINT = { '/usr/local/bin/docker-entrypoint.sh': '#!/bin/sh\nexec "$@"\n' };
const alpine = (sizeBytes: number, extra: Partial<ImageVariant> = {}): ImageVariant => ({ base: 'alpine', sizeBytes, ...extra });
const slim = (sizeBytes: number): ImageVariant => ({ sizeBytes });

export const SERVER_IMAGES: CatalogueImage[] = [
  { repository: 'docker.io/library/mysql', releases: ['5.6.51', '5.7.20-44', '8.0.20-43', '8.1.0', '8.2.0', '8.3.0', '8.4.0-6', '9.0.0-1', '9.1.0', '9.2.0', '9.3.0', '9.4.0'], aliases: { lts: '8.4', innovation: '9.4' },
    variants: { oracle: { from: '8.0.20' }, debian: { until: '8.0.99' } },
    entrypoint: ['docker-entrypoint.sh'], cmd: ['mysqld'], env: [PATH_ENV, 'GOSU_VERSION=1.17', 'MYSQL_MAJOR={x.y}', 'MYSQL_VERSION={version}-1.el9', 'MYSQL_SHELL_VERSION={version}-1.el9'],
    workingDir: '/', user: '', exposedPorts: [3306, 33060], sizeBytes: 603_000_000, base: 'debian', optionArgsProgram: 'mysqld',
    files: { ...ENTRYPOINT, '/var/lib/mysql/': '', '/var/run/mysqld/': '', '/docker-entrypoint-initdb.d/': '' }, programs: ['mysqld', 'mysqladmin', 'mysql'], users: ['mysql:x:999:999::/var/lib/mysql:/bin/bash'], groups: ['mysql:x:999:'] },
  { repository: 'docker.io/library/postgres', releases: ['12.0-22', '13.0-22', '14.0-19', '15.0-14', '16.0-10', '17.0-6', '18.0'],
    variants: { alpine: alpine(260_000_000, { env: ['PG_VERSION={version}', PATH_ENV] }), bookworm: {}, bullseye: { until: '17.99' } },
    entrypoint: ['docker-entrypoint.sh'], cmd: ['postgres'], env: [`${PATH_ENV}:/usr/lib/postgresql/{x}/bin`, 'GOSU_VERSION=1.17', 'LANG=en_US.utf8', 'PG_MAJOR={x}', 'PG_VERSION={version}-1.pgdg120+1', 'PGDATA=/var/lib/postgresql/data'],
    workingDir: '/', user: '', exposedPorts: [5432], sizeBytes: 435_000_000, base: 'debian', stopSignal: 'SIGINT', optionArgsProgram: 'postgres',
    files: { ...ENTRYPOINT, '/var/lib/postgresql/data/': '', '/var/run/postgresql/': '', '/docker-entrypoint-initdb.d/': '' }, programs: ['postgres', 'pg_isready'], users: ['postgres:x:999:999::/var/lib/postgresql:/bin/bash'], groups: ['postgres:x:999:'] },
  { repository: 'docker.io/library/mongo', releases: ['4.4.0-29', '5.0.0-31', '6.0.0-24', '7.0.0-22', '8.0.0-12'], variants: { jammy: { from: '6.0.0' }, focal: { until: '7.0.99' }, noble: { from: '8.0.0' } },
    entrypoint: ['docker-entrypoint.sh'], cmd: ['mongod'], env: [PATH_ENV, 'GOSU_VERSION=1.17', 'JSYAML_VERSION=3.13.1', 'MONGO_PACKAGE=mongodb-org', 'MONGO_REPO=repo.mongodb.org', 'MONGO_MAJOR={x.y}', 'MONGO_VERSION={version}', 'HOME=/data/db'],
    workingDir: '/', user: '', exposedPorts: [27017], sizeBytes: 760_000_000, base: 'ubuntu', optionArgsProgram: 'mongod',
    files: { ...ENTRYPOINT, '/data/db/': '', '/data/configdb/': '' }, programs: ['mongod', 'mongosh', 'mongo'], users: ['mongodb:x:999:999::/data/db:/bin/sh'], groups: ['mongodb:x:999:'] },
  { repository: 'docker.io/library/memcached', releases: ['1.5.22', '1.6.0-39'], variants: { alpine: alpine(8_400_000), bookworm: { from: '1.6.19' } },
    entrypoint: ['docker-entrypoint.sh'], cmd: ['memcached'], env: [PATH_ENV, 'MEMCACHED_VERSION={version}'],
    workingDir: '/', user: 'memcache', exposedPorts: [11211], sizeBytes: 85_000_000, base: 'debian', optionArgsProgram: 'memcached',
    files: ENTRYPOINT, programs: ['memcached'], users: ['memcache:x:11211:11211::/home/memcache:/bin/sh'], groups: ['memcache:x:11211:'] },
  { repository: 'docker.io/library/rabbitmq', releases: ['3.9.0-29', '3.10.0-25', '3.11.0-28', '3.12.0-14', '3.13.0-7', '4.0.0-9', '4.1.0-4'],
    variants: { management: { exposedPorts: [4369, 5671, 5672, 15671, 15672, 15691, 15692, 25672], sizeBytes: 270_000_000 }, alpine: alpine(160_000_000), 'management-alpine': alpine(190_000_000, { exposedPorts: [4369, 5671, 5672, 15671, 15672, 15691, 15692, 25672] }) },
    entrypoint: ['docker-entrypoint.sh'], cmd: ['rabbitmq-server'],
    env: ['PATH=/opt/rabbitmq/sbin:/opt/erlang/bin:/opt/openssl/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'ERLANG_INSTALL_PATH_PREFIX=/opt/erlang', 'OPENSSL_INSTALL_PATH_PREFIX=/opt/openssl', 'RABBITMQ_DATA_DIR=/var/lib/rabbitmq', 'RABBITMQ_VERSION={version}', 'RABBITMQ_HOME=/opt/rabbitmq', 'HOME=/var/lib/rabbitmq', 'LANG=C.UTF-8', 'LANGUAGE=C.UTF-8', 'LC_ALL=C.UTF-8'],
    workingDir: '/', user: '', exposedPorts: [4369, 5671, 5672, 15691, 15692, 25672], sizeBytes: 250_000_000, base: 'ubuntu', optionArgsProgram: 'rabbitmq-server',
    files: { ...ENTRYPOINT, '/var/lib/rabbitmq/': '' }, programs: ['rabbitmq-server', 'rabbitmq-diagnostics', 'rabbitmqctl'], users: ['rabbitmq:x:999:999::/var/lib/rabbitmq:/usr/sbin/nologin'], groups: ['rabbitmq:x:999:'] },
  { repository: 'docker.io/library/python', releases: ['3.8.0-20', '3.9.0-23', '3.10.0-18', '3.11.0-13', '3.12.0-11', '3.13.0-7', '3.14.0'],
    variants: { slim: slim(130_000_000), alpine: alpine(50_000_000), bookworm: {}, 'slim-bookworm': slim(130_000_000), bullseye: {}, 'slim-bullseye': slim(125_000_000) },
    entrypoint: [], cmd: ['python3'], env: ['PATH=/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'LANG=C.UTF-8', 'PYTHON_VERSION={version}'],
    workingDir: '/', user: '', exposedPorts: [], sizeBytes: 1_020_000_000, base: 'debian', programs: ['python', 'python3'] },
  { repository: 'docker.io/library/node', releases: ['16.20.2', '18.20.8', '20.11.1', '20.18.0', '20.19.5', '22.11.0', '22.12.0', '22.20.0', '24.9.0'], aliases: { lts: '22', current: '24' },
    variants: { slim: slim(220_000_000), alpine: alpine(160_000_000), bookworm: {}, 'bookworm-slim': slim(220_000_000), bullseye: {}, 'bullseye-slim': slim(210_000_000) },
    entrypoint: ['docker-entrypoint.sh'], cmd: ['node'], env: [PATH_ENV, 'NODE_VERSION={version}', 'YARN_VERSION=1.22.22'],
    workingDir: '/', user: '', exposedPorts: [], sizeBytes: 1_100_000_000, base: 'debian', files: ENTRYPOINT, programs: ['node'], users: ['node:x:1000:1000::/home/node:/bin/bash'], groups: ['node:x:1000:'] },
  { repository: 'docker.io/library/golang', releases: ['1.20.0-14', '1.21.0-13', '1.22.0-12', '1.23.0-12', '1.24.0-7', '1.25.0-1'], variants: { alpine: alpine(250_000_000), bookworm: {}, bullseye: { until: '1.24.99' } },
    entrypoint: [], cmd: ['bash'], env: ['PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'GOLANG_VERSION={version}', 'GOTOOLCHAIN=local', 'GOPATH=/go'],
    workingDir: '/go', user: '', exposedPorts: [], sizeBytes: 830_000_000, base: 'debian', files: { '/go/bin/': '', '/go/src/': '' }, programs: ['go'] },
  // Docker Hub has only `latest` for kennethreitz/httpbin (httpbin 0.9.2 on Ubuntu 18.04)
  { repository: 'docker.io/kennethreitz/httpbin', releases: ['0.9.2'], minVersionParts: 4, entrypoint: [], cmd: ['gunicorn', '-b', '0.0.0.0:80', 'httpbin:app', '-k', 'gevent'], env: [PATH_ENV, 'LC_ALL=C.UTF-8', 'LANG=C.UTF-8'],
    workingDir: '/httpbin', user: '', exposedPorts: [80], sizeBytes: 534_000_000, base: 'ubuntu', files: { '/httpbin/httpbin/core.py': '' }, programs: ['gunicorn'] },
];
