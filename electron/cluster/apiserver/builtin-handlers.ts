// Wires the API server's special behaviour: subresources and virtual kinds the generic registry cannot serve,
// and registry hooks for Services (IP allocation) and CRDs.
import type { ApiServer } from './handler';
import type { Registry } from './registry';
import type { Catalog } from './catalog';
import type { Pki } from '../auth/pki';
import type { Authenticator } from '../auth/authenticator';
import type { NodeConnector } from '../kubelet/connector';
import { registerStreamingHandlers } from './handlers/streaming';
import { registerProxyHandlers } from './handlers/proxy';
import { NODE_SHELL_PATH, nodeShellHandler } from './handlers/node-shell';
import { bindingHandler } from './handlers/binding';
import { componentStatusHandler } from './handlers/componentstatuses';
import { ephemeralContainersHandler } from './handlers/ephemeralcontainers';
import { reviewHandlers } from './handlers/reviews';
import { serviceIpHooks } from './hooks/service-ips';
import { registerCrds } from './crds';
import { storeInspectHandler } from './handlers/store-inspect';
import { registerEvictionAndTokenHandlers } from './handlers/eviction';
import { oidcDiscoveryHandlers } from './handlers/oidc-discovery';

export interface BuiltinDeps {
  pki: Pki;
  registry: Registry;
  catalog: Catalog;
  authenticator: Authenticator;
  connector: NodeConnector;
  /** host:port clients reach the API server at (the JWKS URI in the OpenID configuration) */
  address: () => string;
}

export function registerBuiltinHandlers(api: ApiServer, deps: BuiltinDeps): void {
  const { registry, catalog } = deps;
  api.registerSpecial('', 'pods', 'binding', bindingHandler);
  api.registerSpecial('', 'componentstatuses', '', componentStatusHandler);
  api.registerSpecial('', 'pods', 'ephemeralcontainers', ephemeralContainersHandler);
  registerStreamingHandlers(api, deps.connector);
  registerProxyHandlers(api, deps.connector);
  api.registerPath(NODE_SHELL_PATH, nodeShellHandler(deps.connector));
  registerEvictionAndTokenHandlers(api, { pki: deps.pki, registry, catalog });
  for (const [k, h] of Object.entries(reviewHandlers(() => api.authorizerRef(), deps.authenticator))) {
    const [group, resource, sub] = k.split('/');
    api.registerSpecial(group, resource, sub, h);
  }
  for (const [p, h] of Object.entries(oidcDiscoveryHandlers(deps.pki, deps.address))) api.registerPath(p, h);
  api.registerPath('/kubelab/store', storeInspectHandler(registry.store));
  registry.addHooks(serviceIpHooks(registry, () => catalog.get('', 'v1', 'services')));
  const crds = registerCrds(catalog, registry, () => catalog.get('apiextensions.k8s.io', 'v1', 'customresourcedefinitions'));
  registry.addHooks(crds.hooks);
  crds.loadExisting();
}
