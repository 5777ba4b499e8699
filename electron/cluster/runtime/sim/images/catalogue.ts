/**
 * The images KubeLab's simulator can run offline. Each entry is what a registry manifest + config would give
 * (entrypoint, cmd, env, user, ports) plus a tiny root filesystem; programs named in entrypoint/cmd are
 * TypeScript implementations in ../programs. Documented for students in COURSE.md ("Images you can use").
 */
export interface CatalogueImage {
  repository: string;
  tags: string[];
  entrypoint: string[];
  cmd: string[];
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

export const CATALOGUE: CatalogueImage[] = [
  { repository: 'docker.io/library/busybox', tags: ['latest', '1.36', '1.36.1', '1.37', 'stable'], entrypoint: [], cmd: ['sh'], env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], workingDir: '/', user: '', exposedPorts: [], sizeBytes: 4_269_000, base: 'busybox' },
  { repository: 'docker.io/library/alpine', tags: ['latest', '3.19', '3.20', '3.21'], entrypoint: [], cmd: ['/bin/sh'], env: [PATH_ENV], workingDir: '/', user: '', exposedPorts: [], sizeBytes: 7_800_000, base: 'alpine' },
  { repository: 'docker.io/library/ubuntu', tags: ['latest', '22.04', '24.04'], entrypoint: [], cmd: ['/bin/bash'], env: [PATH_ENV], workingDir: '/', user: '', exposedPorts: [], sizeBytes: 78_000_000, base: 'ubuntu' },
  { repository: 'docker.io/library/debian', tags: ['latest', 'bookworm', 'bookworm-slim', '12'], entrypoint: [], cmd: ['bash'], env: [PATH_ENV], workingDir: '/', user: '', exposedPorts: [], sizeBytes: 74_800_000, base: 'debian' },
  { repository: 'docker.io/library/nginx', tags: ['latest', '1.25', '1.25.5', '1.26', '1.26.2', '1.27', '1.27.3', 'alpine', 'stable', 'mainline'], entrypoint: ['/docker-entrypoint.sh'], cmd: ['nginx', '-g', 'daemon off;'], env: [PATH_ENV, 'NGINX_VERSION=1.27.3'], workingDir: '/', user: '', exposedPorts: [80], sizeBytes: 72_000_000, base: 'debian', stopSignal: 'SIGQUIT',
    files: { '/usr/share/nginx/html/index.html': NGINX_INDEX, '/usr/share/nginx/html/50x.html': '<html><body><h1>An error occurred.</h1></body></html>\n', '/etc/nginx/conf.d/default.conf': NGINX_DEFAULT_CONF, '/etc/nginx/nginx.conf': 'user  nginx;\nworker_processes  auto;\nevents { worker_connections 1024; }\nhttp { include /etc/nginx/conf.d/*.conf; }\n', '/docker-entrypoint.sh': '#!/bin/sh\nexec "$@"\n', '/var/log/nginx/access.log': '', '/var/log/nginx/error.log': '' } },
  { repository: 'docker.io/library/httpd', tags: ['latest', '2.4', '2.4.62', 'alpine'], entrypoint: [], cmd: ['httpd-foreground'], env: ['PATH=/usr/local/apache2/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HTTPD_PREFIX=/usr/local/apache2', 'HTTPD_VERSION=2.4.62'], workingDir: '/usr/local/apache2', user: '', exposedPorts: [80], sizeBytes: 58_000_000, base: 'debian', stopSignal: 'SIGWINCH',
    files: { '/usr/local/apache2/htdocs/index.html': '<html><body><h1>It works!</h1></body></html>\n' } },
  { repository: 'docker.io/library/redis', tags: ['latest', '7', '7.2', '7.4', 'alpine'], entrypoint: ['docker-entrypoint.sh'], cmd: ['redis-server'], env: [PATH_ENV, 'REDIS_VERSION=7.4.1'], workingDir: '/data', user: '', exposedPorts: [6379], sizeBytes: 45_000_000, base: 'debian', optionArgsProgram: 'redis-server', files: { '/usr/local/bin/docker-entrypoint.sh': '#!/bin/sh\nexec "$@"\n', '/data/.keep': '' } },
  { repository: 'docker.io/library/perl', tags: ['latest', '5.40', '5.38', 'slim'], entrypoint: [], cmd: ['perl', '-de0'], env: [PATH_ENV], workingDir: '/', user: '', exposedPorts: [], sizeBytes: 340_000_000, base: 'debian' },
  { repository: 'docker.io/polinux/stress', tags: ['latest', '1.0.4'], entrypoint: [], cmd: ['stress', '--help'], env: [PATH_ENV], workingDir: '/', user: '', exposedPorts: [], sizeBytes: 4_100_000, base: 'alpine' },
  { repository: 'docker.io/hashicorp/http-echo', tags: ['latest', '1.0', '0.2.3'], entrypoint: ['/http-echo'], cmd: [], env: [], workingDir: '/', user: '', exposedPorts: [5678], sizeBytes: 3_600_000, base: 'scratch', files: { '/http-echo': '' } },
  { repository: 'registry.k8s.io/e2e-test-images/agnhost', tags: ['2.39', '2.40', '2.43', '2.47', '2.52', '2.53'], entrypoint: ['/agnhost'], cmd: [], env: [PATH_ENV], workingDir: '/', user: '', exposedPorts: [], sizeBytes: 51_000_000, base: 'alpine', files: { '/agnhost': '' } },
  { repository: 'docker.io/curlimages/curl', tags: ['latest', '8.10.1', '8.11.0'], entrypoint: ['/entrypoint.sh'], cmd: ['curl'], env: [PATH_ENV, 'CURL_CA_BUNDLE=/cacert.pem'], workingDir: '/home/curl_user', user: 'curl_user', exposedPorts: [], sizeBytes: 12_000_000, base: 'alpine', optionArgsProgram: 'curl', files: { '/entrypoint.sh': '#!/bin/sh\nexec "$@"\n', '/home/curl_user/.keep': '' } },
  { repository: 'registry.k8s.io/pause', tags: ['3.9', '3.10', 'latest'], entrypoint: ['/pause'], cmd: [], env: [], workingDir: '/', user: '65535:65535', exposedPorts: [], sizeBytes: 320_000, base: 'scratch', files: { '/pause': '' } },
  // the control plane's images, run by the control-plane node's static pods; their programs come from the node (kubelet/static-pods)
  { repository: 'registry.k8s.io/kube-apiserver', tags: ['v1.33.4'], entrypoint: [], cmd: [], env: [PATH_ENV], workingDir: '/', user: '', exposedPorts: [], sizeBytes: 30_071_000, base: 'distroless', files: { '/usr/local/bin/kube-apiserver': '' } },
  { repository: 'registry.k8s.io/kube-controller-manager', tags: ['v1.33.4'], entrypoint: [], cmd: [], env: [PATH_ENV], workingDir: '/', user: '', exposedPorts: [], sizeBytes: 27_646_000, base: 'distroless', files: { '/usr/local/bin/kube-controller-manager': '' } },
  { repository: 'registry.k8s.io/kube-scheduler', tags: ['v1.33.4'], entrypoint: [], cmd: [], env: [PATH_ENV], workingDir: '/', user: '', exposedPorts: [], sizeBytes: 21_782_000, base: 'distroless', files: { '/usr/local/bin/kube-scheduler': '' } },
  { repository: 'registry.k8s.io/etcd', tags: ['3.5.21-0'], entrypoint: [], cmd: [], env: [PATH_ENV], workingDir: '/', user: '', exposedPorts: [], sizeBytes: 58_938_000, base: 'distroless', files: { '/usr/local/bin/etcd': '' } },
];

export const CATALOGUE_NAMES = CATALOGUE.map((i) => i.repository.replace(/^docker\.io\/(library\/)?/, ''));
