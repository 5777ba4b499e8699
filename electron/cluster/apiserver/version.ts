/** the version this API server reports (/version, the OpenAPI documents' info) */
export const KUBE_GIT_VERSION = 'v1.33.4-kubelab';

/** the /version document */
export const KUBE_VERSION = {
  major: '1',
  minor: '33',
  gitVersion: KUBE_GIT_VERSION,
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-11-01T00:00:00Z',
  goVersion: 'go1.24.6',
  compiler: 'gc',
  platform: 'linux/amd64',
};
