/**
 * The images KubeLab's simulator can run offline. Each entry is what a registry manifest + config would give
 * (entrypoint, cmd, env, user, ports) plus a tiny root filesystem; programs named in entrypoint/cmd are
 * TypeScript implementations in ../programs. Documented for students in COURSE.md ("Images you can use").
 */
import { SERVER_IMAGES } from './catalogue-servers';

export interface CatalogueImage {
  repository: string;
  /** real releases, "1.19.0-10" meaning 1.19.0 … 1.19.10; a tag names one by any prefix of it (see tags.ts) */
  releases?: string[];
  /** literal tags for images whose tags follow no release scheme (`v1.33.4`, `3.10`); each is its own version */
  tags?: string[];
  /** tag words naming a release prefix: latest, stable, lts, bookworm… (latest defaults to the newest release) */
  aliases?: Record<string, string>;
  /** tag suffixes (`1.19-alpine`, or bare `alpine`) and how that flavour differs */
  variants?: Record<string, ImageVariant>;
  /** the shortest version prefix that is a tag (ubuntu has 22.04 but no 22) */
  minVersionParts?: number;
  entrypoint: string[];
  cmd: string[];
  /** {version}, {x} and {x.y} stand for the resolved release (tags.ts fillVersion) */
  env: string[];
  workingDir: string;
  user: string;
  exposedPorts: number[];
  sizeBytes: number;
  /** which base userland it ships: decides /etc/os-release, the shell prompt and applet names */
  base: 'busybox' | 'alpine' | 'debian' | 'ubuntu' | 'distroless' | 'scratch';
  /** extra files beyond the base (path → content) */
  files?: Record<string, string>;
  stopSignal?: string;
  /** the program the image's entrypoint script runs when the first argument is an option (`-s url` → `curl -s url`) */
  optionArgsProgram?: string;
  /** simulated programs (../programs) on the image's PATH besides the base userland */
  programs?: string[];
  /** /etc/passwd and /etc/group lines the image adds (its service user) */
  users?: string[];
  groups?: string[];
  /** set on the image a tag resolved to: the release and variant it names */
  version?: string;
  variant?: string;
}

/** how a tag variant differs from the image's default flavour */
export interface ImageVariant {
  base?: CatalogueImage['base'];
  /** env entries that replace (by name) or extend the image's */
  env?: string[];
  exposedPorts?: number[];
  sizeBytes?: number;
  /** the first and last release published with this variant */
  from?: string;
  until?: string;
}

const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const NGINX_INDEX = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`;

const NGINX_DEFAULT_CONF = `server {
    listen       80;
    listen  [::]:80;
    server_name  localhost;

    location / {
        root   /usr/share/nginx/html;
        index  index.html index.htm;
    }

    error_page   500 502 503 504  /50x.html;
    location = /50x.html {
        root   /usr/share/nginx/html;
    }
}
`;

const ALPINE: ImageVariant = { base: 'alpine' };
const NGINX_FILES = {
  '/usr/share/nginx/html/index.html': NGINX_INDEX,
  '/usr/share/nginx/html/50x.html': '<html><body><h1>An error occurred.</h1></body></html>\n',
  '/etc/nginx/conf.d/default.conf': NGINX_DEFAULT_CONF,
  '/etc/nginx/nginx.conf': '\nuser  nginx;\nworker_processes  auto;\nevents { worker_connections 1024; }\nhttp { include /etc/nginx/conf.d/*.conf; }\n',
  '/docker-entrypoint.sh': '#!/bin/sh\nexec "$@"\n',
  '/var/log/nginx/access.log': '',
  '/var/log/nginx/error.log': '',
};

const BUSYBOX: CatalogueImage = {
  repository: 'docker.io/library/busybox',
  releases: ['1.28.0-4', '1.29.0-3', '1.30.0-1', '1.31.0-1', '1.32.0-1', '1.33.0-1', '1.34.0-1', '1.35.0', '1.36.0-1', '1.37.0'],
  aliases: { stable: '1.37', unstable: '1.37' },
  variants: { glibc: {}, musl: {}, uclibc: {} },
  entrypoint: [],
  cmd: ['sh'],
  env: [PATH_ENV],
  workingDir: '/',
  user: '',
  exposedPorts: [],
  sizeBytes: 4_269_000,
  base: 'busybox',
  programs: ['busybox'],
};

/** the base images and the servers the course started with; more server images in catalogue-servers.ts */
const BASE_IMAGES: CatalogueImage[] = [
  BUSYBOX,
  {
    repository: 'docker.io/library/alpine',
    releases: ['3.12.0-12', '3.13.0-12', '3.14.0-10', '3.15.0-11', '3.16.0-9', '3.17.0-10', '3.18.0-12', '3.19.0-7', '3.20.0-6', '3.21.0-3', '3.22.0-1'],
    aliases: { edge: '3.22' },
    entrypoint: [],
    cmd: ['/bin/sh'],
    env: [PATH_ENV],
    workingDir: '/',
    user: '',
    exposedPorts: [],
    sizeBytes: 7_800_000,
    base: 'alpine',
  },
  {
    repository: 'docker.io/library/ubuntu',
    releases: ['18.04', '20.04', '22.04', '24.04', '24.10', '25.04'],
    minVersionParts: 2,
    aliases: { latest: '24.04', rolling: '25.04', bionic: '18.04', focal: '20.04', jammy: '22.04', noble: '24.04', oracular: '24.10', plucky: '25.04' },
    entrypoint: [],
    cmd: ['/bin/bash'],
    env: [PATH_ENV],
    workingDir: '/',
    user: '',
    exposedPorts: [],
    sizeBytes: 78_000_000,
    base: 'ubuntu',
  },
  {
    repository: 'docker.io/library/debian',
    releases: ['10.0-13', '11.0-11', '12.0-11'],
    aliases: { stable: '12', oldstable: '11', buster: '10', bullseye: '11', bookworm: '12' },
    variants: { slim: {} },
    entrypoint: [],
    cmd: ['bash'],
    env: [PATH_ENV],
    workingDir: '/',
    user: '',
    exposedPorts: [],
    sizeBytes: 74_800_000,
    base: 'debian',
  },
  {
    repository: 'docker.io/library/nginx',
    releases: [
      '1.16.0-1',
      '1.17.0-10',
      '1.18.0',
      '1.19.0-10',
      '1.20.0-2',
      '1.21.0-6',
      '1.22.0-1',
      '1.23.0-4',
      '1.24.0',
      '1.25.0-5',
      '1.26.0-3',
      '1.27.0-5',
      '1.28.0',
      '1.29.0-1',
    ],
    aliases: { stable: '1.28', mainline: '1.29' },
    variants: {
      alpine: ALPINE,
      perl: {},
      'alpine-perl': ALPINE,
      'alpine-slim': { ...ALPINE, from: '1.23.2' },
      bookworm: { from: '1.25.1' },
      'bookworm-perl': { from: '1.25.1' },
      otel: { from: '1.25.3' },
      'alpine-otel': { ...ALPINE, from: '1.25.3' },
    },
    entrypoint: ['/docker-entrypoint.sh'],
    cmd: ['nginx', '-g', 'daemon off;'],
    env: [PATH_ENV, 'NGINX_VERSION={version}', 'NJS_VERSION=0.8.5', 'PKG_RELEASE=1~bookworm'],
    workingDir: '/',
    user: '',
    exposedPorts: [80],
    sizeBytes: 72_000_000,
    base: 'debian',
    stopSignal: 'SIGQUIT',
    files: NGINX_FILES,
    programs: ['nginx'],
    users: ['nginx:x:101:101:nginx user:/nonexistent:/bin/false'],
    groups: ['nginx:x:101:'],
  },
  {
    repository: 'docker.io/library/httpd',
    releases: ['2.4.41', '2.4.43', '2.4.46', '2.4.48-65'],
    variants: { alpine: ALPINE, bookworm: { from: '2.4.57' } },
    entrypoint: [],
    cmd: ['httpd-foreground'],
    env: [
      'PATH=/usr/local/apache2/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      'HTTPD_PREFIX=/usr/local/apache2',
      'HTTPD_VERSION={version}',
    ],
    workingDir: '/usr/local/apache2',
    user: '',
    exposedPorts: [80],
    sizeBytes: 58_000_000,
    base: 'debian',
    stopSignal: 'SIGWINCH',
    files: { '/usr/local/apache2/htdocs/index.html': '<html><body><h1>It works!</h1></body></html>\n' },
    programs: ['httpd', 'httpd-foreground'],
  },
  {
    repository: 'docker.io/library/redis',
    releases: ['5.0.0-14', '6.0.0-20', '6.2.0-19', '7.0.0-15', '7.2.0-10', '7.4.0-5', '8.0.0-3', '8.2.0-1'],
    variants: { alpine: ALPINE, bookworm: { from: '7.0.12' } },
    entrypoint: ['docker-entrypoint.sh'],
    cmd: ['redis-server'],
    env: [PATH_ENV, 'REDIS_VERSION={version}'],
    workingDir: '/data',
    user: '',
    exposedPorts: [6379],
    sizeBytes: 45_000_000,
    base: 'debian',
    optionArgsProgram: 'redis-server',
    files: { '/usr/local/bin/docker-entrypoint.sh': '#!/bin/sh\nexec "$@"\n', '/data/.keep': '' },
    programs: ['redis-server', 'redis-cli'],
    users: ['redis:x:999:999::/home/redis:/usr/sbin/nologin'],
    groups: ['redis:x:999:'],
  },
  {
    repository: 'docker.io/library/perl',
    releases: ['5.30.0-3', '5.32.0-1', '5.34.0-3', '5.36.0-3', '5.38.0-4', '5.40.0-2', '5.42.0'],
    variants: {
      slim: {},
      threaded: {},
      'slim-threaded': {},
      bookworm: { from: '5.36.0' },
      'slim-bookworm': { from: '5.36.0' },
      bullseye: { from: '5.32.1' },
      'slim-bullseye': { from: '5.32.1' },
      buster: { until: '5.36.0' },
      'slim-buster': { until: '5.36.0' },
    },
    entrypoint: [],
    cmd: ['perl', '-de0'],
    env: [PATH_ENV],
    workingDir: '/',
    user: '',
    exposedPorts: [],
    sizeBytes: 340_000_000,
    base: 'debian',
    programs: ['perl'],
  },
  {
    repository: 'docker.io/polinux/stress',
    releases: ['1.0.4'],
    entrypoint: [],
    cmd: ['stress', '--help'],
    env: [PATH_ENV],
    workingDir: '/',
    user: '',
    exposedPorts: [],
    sizeBytes: 4_100_000,
    base: 'alpine',
    programs: ['stress'],
  },
  {
    repository: 'docker.io/hashicorp/http-echo',
    releases: ['0.2.3', '1.0.0'],
    entrypoint: ['/http-echo'],
    cmd: [],
    env: [],
    workingDir: '/',
    user: '',
    exposedPorts: [5678],
    sizeBytes: 3_600_000,
    base: 'scratch',
    files: { '/http-echo': '' },
    programs: ['http-echo'],
  },
  {
    repository: 'registry.k8s.io/e2e-test-images/agnhost',
    releases: ['2.21', '2.26', '2.28', '2.32', '2.33', '2.36', '2.39', '2.40', '2.43', '2.45', '2.47', '2.48', '2.50', '2.51', '2.52', '2.53', '2.54', '2.55'],
    minVersionParts: 2,
    aliases: { latest: '' },
    entrypoint: ['/agnhost'],
    cmd: [],
    env: [PATH_ENV],
    workingDir: '/',
    user: '',
    exposedPorts: [],
    sizeBytes: 51_000_000,
    base: 'alpine',
    files: { '/agnhost': '' },
    programs: ['agnhost'],
  },
  // KubeLab's own sample admission webhook (no upstream image does "require a label"): see
  // programs/admission-webhook.ts for its flags
  {
    repository: 'docker.io/kubelab/admission-webhook',
    releases: ['1.0.0'],
    aliases: { latest: '1.0.0' },
    entrypoint: ['/admission-webhook'],
    cmd: [],
    env: [PATH_ENV],
    workingDir: '/',
    user: '65532',
    exposedPorts: [8443],
    sizeBytes: 9_800_000,
    base: 'scratch',
    files: { '/admission-webhook': '' },
    programs: ['admission-webhook'],
  },
  {
    repository: 'docker.io/curlimages/curl',
    releases: [
      '7.85.0',
      '7.86.0',
      '7.87.0',
      '7.88.0-1',
      '8.1.0-2',
      '8.2.0-1',
      '8.3.0',
      '8.4.0',
      '8.5.0',
      '8.6.0',
      '8.7.1',
      '8.8.0',
      '8.9.0-1',
      '8.10.0-1',
      '8.11.0-1',
      '8.12.0-1',
      '8.13.0',
      '8.14.0-1',
      '8.15.0',
    ],
    entrypoint: ['/entrypoint.sh'],
    cmd: ['curl'],
    env: [PATH_ENV, 'CURL_CA_BUNDLE=/cacert.pem', 'CURL_VERSION={version}'],
    workingDir: '/home/curl_user',
    user: 'curl_user',
    exposedPorts: [],
    sizeBytes: 12_000_000,
    base: 'alpine',
    optionArgsProgram: 'curl',
    files: { '/entrypoint.sh': '#!/bin/sh\nexec "$@"\n', '/home/curl_user/.keep': '' },
    users: ['curl_user:x:100:101:Linux User,,,:/home/curl_user:/sbin/nologin'],
    groups: ['curl_group:x:101:curl_user'],
  },
  // kubectl images: their kubectl is the app's real kubectl given the pod's in-cluster config; the node supplies it (programs/kubectl.ts)
  {
    repository: 'docker.io/bitnami/kubectl',
    releases: ['1.28.0-15', '1.29.0-15', '1.30.0-14', '1.31.0-12', '1.32.0-8', '1.33.0-4'],
    entrypoint: ['kubectl'],
    cmd: ['--help'],
    env: [
      'PATH=/opt/bitnami/kubectl/bin:/opt/bitnami/common/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      'HOME=/',
      'OS_ARCH=amd64',
      'OS_FLAVOUR=debian-12',
      'OS_NAME=linux',
      'APP_VERSION={version}',
      'BITNAMI_APP_NAME=kubectl',
    ],
    workingDir: '/',
    user: '1001',
    exposedPorts: [],
    sizeBytes: 81_000_000,
    base: 'debian',
    files: { '/.kube/.keep': '' },
  },
  {
    repository: 'registry.k8s.io/kubectl',
    tags: ['v1.30.14', 'v1.31.12', 'v1.32.8', 'v1.33.4'],
    entrypoint: ['/bin/kubectl'],
    cmd: [],
    env: [PATH_ENV],
    workingDir: '/',
    user: '',
    exposedPorts: [],
    sizeBytes: 25_000_000,
    base: 'distroless',
    files: { '/bin/kubectl': '' },
  },
  {
    repository: 'registry.k8s.io/pause',
    releases: ['3.1', '3.2', '3.5', '3.6', '3.7', '3.8', '3.9', '3.10'],
    minVersionParts: 2,
    entrypoint: ['/pause'],
    cmd: [],
    env: [],
    workingDir: '/',
    user: '65535:65535',
    exposedPorts: [],
    sizeBytes: 320_000,
    base: 'scratch',
    files: { '/pause': '' },
    programs: ['pause'],
  },
  // the DNS debugging image of the Kubernetes docs (Debian with dnsutils: dig, host, nslookup)
  {
    repository: 'registry.k8s.io/e2e-test-images/jessie-dnsutils',
    releases: ['1.3', '1.4', '1.5', '1.7'],
    minVersionParts: 2,
    entrypoint: [],
    cmd: ['/bin/bash'],
    env: [PATH_ENV],
    workingDir: '/',
    user: '',
    exposedPorts: [],
    sizeBytes: 112_000_000,
    base: 'debian',
  },
  // the HorizontalPodAutoscaler walkthrough's php-apache: every request to / computes a million square roots
  {
    repository: 'registry.k8s.io/hpa-example',
    tags: ['latest'],
    entrypoint: ['docker-php-entrypoint'],
    cmd: ['apache2-foreground'],
    env: [PATH_ENV, 'PHP_INI_DIR=/usr/local/etc/php', 'APACHE_CONFDIR=/etc/apache2', 'APACHE_ENVVARS=/etc/apache2/envvars', 'PHP_VERSION=5.6.40'],
    workingDir: '/var/www/html',
    user: '',
    exposedPorts: [80],
    sizeBytes: 187_000_000,
    base: 'debian',
    stopSignal: 'SIGWINCH',
    files: {
      '/usr/local/bin/docker-php-entrypoint': '#!/bin/sh\nexec "$@"\n',
      '/usr/local/bin/apache2-foreground': '',
      '/var/www/html/index.php': '<?php\n  $x = 0.0001;\n  for ($i = 0; $i <= 1000000; $i++) {\n    $x += sqrt($x);\n  }\n  echo "OK!";\n?>\n',
    },
    programs: ['apache2-foreground'],
  },
  // the cluster DNS add-on; its coredns binary comes from the node (network/dns/program.ts)
  {
    repository: 'registry.k8s.io/coredns/coredns',
    tags: ['v1.10.1', 'v1.11.1', 'v1.11.3', 'v1.12.0', 'v1.12.1'],
    entrypoint: ['/coredns'],
    cmd: [],
    env: [],
    workingDir: '/',
    user: '65532:65532',
    exposedPorts: [53, 9153],
    sizeBytes: 20_900_000,
    base: 'scratch',
    files: { '/coredns': '' },
  },
  // the control plane's images, run by the control-plane node's static pods; their programs come from the node (kubelet/static-pods)
  {
    repository: 'registry.k8s.io/kube-apiserver',
    tags: ['v1.33.4'],
    entrypoint: [],
    cmd: [],
    env: [PATH_ENV],
    workingDir: '/',
    user: '',
    exposedPorts: [],
    sizeBytes: 30_071_000,
    base: 'distroless',
    files: { '/usr/local/bin/kube-apiserver': '' },
  },
  {
    repository: 'registry.k8s.io/kube-controller-manager',
    tags: ['v1.33.4'],
    entrypoint: [],
    cmd: [],
    env: [PATH_ENV],
    workingDir: '/',
    user: '',
    exposedPorts: [],
    sizeBytes: 27_646_000,
    base: 'distroless',
    files: { '/usr/local/bin/kube-controller-manager': '' },
  },
  // the ingress-nginx add-on; its controller binary comes from the node (network/ingress/program.ts)
  {
    repository: 'registry.k8s.io/ingress-nginx/controller',
    tags: ['v1.11.3', 'v1.12.0', 'v1.12.1'],
    // upstream wraps the controller in dumb-init; the simulator runs it directly
    entrypoint: [],
    cmd: ['/nginx-ingress-controller'],
    env: [PATH_ENV],
    workingDir: '/etc/nginx',
    user: '',
    exposedPorts: [80, 443],
    sizeBytes: 105_000_000,
    base: 'alpine',
    files: { '/nginx-ingress-controller': '', '/wait-shutdown': '' },
  },
  // the Operators chapter's sample operator; its /manager binary comes from the node (operators/webapp/program.ts)
  {
    repository: 'docker.io/kubelab/webapp-operator',
    releases: ['0.1.0'],
    entrypoint: ['/manager'],
    cmd: [],
    env: [PATH_ENV],
    workingDir: '/',
    user: '65532:65532',
    exposedPorts: [],
    sizeBytes: 21_400_000,
    base: 'distroless',
    files: { '/manager': '' },
  },
  // kube-proxy's DaemonSet; its binary comes from the node (network/kube-proxy-program.ts)
  {
    repository: 'registry.k8s.io/kube-proxy',
    tags: ['v1.33.4'],
    entrypoint: [],
    cmd: [],
    env: [PATH_ENV],
    workingDir: '/',
    user: '',
    exposedPorts: [],
    sizeBytes: 31_500_000,
    base: 'distroless',
    files: { '/usr/local/bin/kube-proxy': '', '/usr/sbin/iptables-save': '', '/usr/sbin/ipvsadm': '' },
  },
  {
    repository: 'registry.k8s.io/kube-scheduler',
    tags: ['v1.33.4'],
    entrypoint: [],
    cmd: [],
    env: [PATH_ENV],
    workingDir: '/',
    user: '',
    exposedPorts: [],
    sizeBytes: 21_782_000,
    base: 'distroless',
    files: { '/usr/local/bin/kube-scheduler': '' },
  },
  {
    repository: 'registry.k8s.io/etcd',
    tags: ['3.5.21-0'],
    entrypoint: [],
    cmd: [],
    env: [PATH_ENV],
    workingDir: '/',
    user: '',
    exposedPorts: [],
    sizeBytes: 58_938_000,
    base: 'distroless',
    files: { '/usr/local/bin/etcd': '', '/usr/local/bin/etcdctl': '', '/usr/local/bin/etcdutl': '' },
  },
];

/** the busybox the Kubernetes docs' examples ran (exec-liveness.yaml's registry.k8s.io/busybox), under its three registry names */
const K8S_BUSYBOX: CatalogueImage[] = ['registry.k8s.io/busybox', 'k8s.gcr.io/busybox', 'gcr.io/google-containers/busybox'].map(
  (repository): CatalogueImage => ({
    ...BUSYBOX,
    repository,
    releases: ['1.24', '1.27.2'],
    minVersionParts: 2,
    aliases: { latest: '1.24' },
    variants: undefined,
    sizeBytes: 1_144_000,
  }),
);

export const CATALOGUE: CatalogueImage[] = [...BASE_IMAGES, ...SERVER_IMAGES, ...K8S_BUSYBOX];

export const CATALOGUE_NAMES = CATALOGUE.map((i) => i.repository.replace(/^docker\.io\/(library\/)?/, ''));
