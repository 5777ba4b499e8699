/** the version this API server reports (/version, the OpenAPI documents' info) */
export const KUBE_GIT_VERSION = 'v1.33.4-kubelab';
