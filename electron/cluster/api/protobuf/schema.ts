// The wire schema scripts/gen-protobuf.mjs extracts from a kubectl binary at build time.

export type ScalarKind = 'string' | 'bytes' | 'bool' | 'int32' | 'int64' | 'uint32' | 'uint64' | 'float32' | 'float64';

/** How a Go field type maps onto the wire. `ptr` marks Go pointers (present ⇒ kept even when zero). */
export interface TypeRef {
  kind: ScalarKind | 'message' | 'map' | 'unsupported';
  /** Full Go type name of a message, e.g. 'k8s.io/api/core/v1.PodSpec'. */
  name?: string;
  repeated?: boolean;
  map?: { key: TypeRef; value: TypeRef };
  /** Go named type behind a scalar/slice/map, e.g. 'k8s.io/api/core/v1.ResourceList' (informational). */
  named?: string;
  ptr?: boolean;
}

export interface FieldDef {
  /** JSON property name ('' for inline fields, '-' for fields JSON never shows). */
  json: string;
  num: number;
  wire: string;
  rep: boolean;
  type: TypeRef;
  omitempty?: boolean;
  inline?: boolean;
}

export interface TypeDef {
  fields: FieldDef[];
  /** A named Go slice that protobuf wraps as `message { repeated items = 1 }`; JSON shows the bare list. */
  wrapper?: boolean;
}

export interface WireSchema {
  source?: string | null;
  types: Record<string, TypeDef>;
}

let loaded: WireSchema | undefined;

/** The generated schema; an empty one when the build found no kubectl binary to read it from. */
export function getWireSchema(): WireSchema {
  if (!loaded) {
    try {
      // require keeps the large literal out of the type checker; esbuild still bundles it.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      loaded = require('./generated/wire-schema.json') as WireSchema;
    } catch {
      loaded = { source: null, types: {} };
    }
  }
  return loaded;
}

/** Replaces the schema (tests, or a host that generated one at runtime). */
export function setWireSchema(schema: WireSchema): void {
  loaded = schema;
}
