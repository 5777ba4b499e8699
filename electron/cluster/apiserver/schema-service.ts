// Everything the API server needs from OpenAPI schemas: field validation on decode, patch application,
// managedFields bookkeeping and the /openapi documents. Backed by api/openapi and api/patch.
import type { KObject } from '../api/types';
import type { ResourceEntry } from './catalog';
import type { ApiRequest, ApiResponse } from './request';
import type { PatchFlavor } from './patch-errors';

/** for a patched object, what upstream's patch handler reports when decoding it fails (422 on the path "patch") */
export interface PatchedBody {
  flavor: PatchFlavor;
  patch: unknown;
}

export interface SchemaService {
  /**
   * unknown/duplicate fields and type errors per fieldValidation; throws 400 in Strict mode, returns warnings in Warn
   * mode; prunes unknown fields. `only`: the top-level fields to check (the others are known to be valid).
   */
  checkFields(e: ResourceEntry, obj: KObject, mode: 'Strict' | 'Warn' | 'Ignore', only?: Set<string>, patch?: PatchedBody): string[];
  /** JSON patch, JSON merge patch or strategic merge patch of `cur`, which the caller hands over (it may be changed) */
  applyPatch(e: ResourceEntry, mediaType: string, cur: KObject, patch: unknown, defName?: string): KObject;
  /** server-side apply: the merged object with managedFields updated; throws 409 on conflicts unless force */
  serverSideApply(e: ResourceEntry, cur: KObject | undefined, applied: KObject, manager: string, force: boolean, subresource?: string): KObject;
  /** managedFields for non-apply writes */
  manageFields(e: ResourceEntry, obj: KObject, old: KObject | undefined, manager: string, operation: 'Update' | 'Apply', subresource?: string): void;
  serveOpenApiV3(path: string, req: ApiRequest): ApiResponse | Promise<ApiResponse>;
  serveOpenApiV2(req: ApiRequest): ApiResponse | Promise<ApiResponse>;
}
