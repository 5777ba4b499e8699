// What a verb handler gets from the router: the parsed request, the resource it names and the server's parts.
import type { ApiServer } from '../handler';
import type { ResourceEntry } from '../catalog';
import type { Accept } from '../body';
import type { ApiRequest, RequestInfo } from '../request';

export interface VerbContext {
  server: ApiServer;
  req: ApiRequest;
  info: RequestInfo;
  entry: ResourceEntry;
  /** the request's namespace, undefined for cluster-scoped kinds */
  ns: string | undefined;
  accept: Accept;
}
