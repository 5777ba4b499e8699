import type { ContainerRuntime } from '../interface';
import { SimRuntime, type SimRuntimeOptions } from './runtime';

export function createSimRuntime(opts: SimRuntimeOptions): ContainerRuntime {
  return new SimRuntime(opts);
}

export type { SimRuntimeOptions } from './runtime';
export { createLocalSimNetwork, NetError, type SimNetwork, type LocalSimNetworkOptions, type ResolveFrom, type DnsExchange } from './network';
export { ExecutableNotFoundError } from './launch';
export { CATALOGUE, CATALOGUE_NAMES, type CatalogueImage } from './images/catalogue';
export { parseImageReference } from './images/reference';
export { duplexPair } from './net/duplex-pair';
export { httpRequest } from './programs/http';
