// The CEL environment the API server compiles and evaluates admission-policy expressions in: @marcbachmann/cel-js
// with undeclared variables as dyn (object, oldObject, params, request, …) plus the parts of Kubernetes' CEL
// libraries that policies in the docs use most: regex find/findAll, the list helpers and quantities. The IP and CIDR
// libraries are cel-network.ts, url() cel-url.ts, format cel-format.ts, the authorizer cel-authorizer.ts. Optional
// types are on, as in upstream's base environment (format's validate answers an optional).
import { Environment } from '@marcbachmann/cel-js';
import { isQuantity, parseQuantity } from './quantity';
import { registerNetworkLibrary } from './cel-network';
import { registerAuthorizerLibrary } from './cel-authorizer';
import { registerURLLibrary } from './cel-url';
import { registerFormatLibrary } from './cel-format';
import { method } from './cel-method';

/** a resource.Quantity in CEL: compared by its exact value in billionths */
export class CelQuantity {
  constructor(readonly nano: bigint) {}
}

const cmp = (a: unknown, b: unknown): number => {
  if ((typeof a === 'bigint' && typeof b === 'bigint') || (typeof a === 'string' && typeof b === 'string')) return a < b ? -1 : a > b ? 1 : 0;
  const x = Number(a);
  const y = Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
};
const NANO = 1_000_000_000n;

function quantityOf(s: string): CelQuantity {
  try {
    return new CelQuantity(parseQuantity(s).nano);
  } catch {
    throw new Error(`invalid quantity: ${s}`);
  }
}

const baseEnvironment = new Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false, enableOptionalTypes: true })
  .registerType('Quantity', CelQuantity)
  .registerFunction('isQuantity(string): bool', (s: string) => isQuantity(s))
  .registerFunction('quantity(string): Quantity', quantityOf)
  .registerFunction(method('isGreaterThan', 'Quantity', 'bool', ['Quantity'], (a: CelQuantity, b: CelQuantity) => a.nano > b.nano))
  .registerFunction(method('isLessThan', 'Quantity', 'bool', ['Quantity'], (a: CelQuantity, b: CelQuantity) => a.nano < b.nano))
  .registerFunction(method('compareTo', 'Quantity', 'int', ['Quantity'], (a: CelQuantity, b: CelQuantity) => BigInt(cmp(a.nano, b.nano))))
  .registerFunction(method('isInteger', 'Quantity', 'bool', [], (a: CelQuantity) => a.nano % NANO === 0n))
  .registerFunction(
    method('asInteger', 'Quantity', 'int', [], (a: CelQuantity) => {
      if (a.nano % NANO !== 0n) throw new Error('cannot convert value to integer');
      return a.nano / NANO;
    }),
  )
  .registerFunction(method('asApproximateFloat', 'Quantity', 'double', [], (a: CelQuantity) => Number(a.nano) / 1e9))
  .registerFunction(method('add', 'Quantity', 'Quantity', ['Quantity'], (a: CelQuantity, b: CelQuantity) => new CelQuantity(a.nano + b.nano)))
  .registerFunction(method('sub', 'Quantity', 'Quantity', ['Quantity'], (a: CelQuantity, b: CelQuantity) => new CelQuantity(a.nano - b.nano)))
  .registerFunction(method('find', 'string', 'string', ['string'], (s: string, re: string) => new RegExp(re).exec(s)?.[0] ?? ''))
  .registerFunction(method('findAll', 'string', 'list<string>', ['string'], (s: string, re: string) => [...s.matchAll(new RegExp(re, 'g'))].map((m) => m[0])))
  .registerFunction(
    method('findAll', 'string', 'list<string>', ['string', 'int'], (s: string, re: string, n: bigint) => {
      const all = [...s.matchAll(new RegExp(re, 'g'))].map((m) => m[0]);
      return n < 0n ? all : all.slice(0, Number(n));
    }),
  )
  .registerFunction(method('isSorted', 'list', 'bool', [], (l: unknown[]) => l.every((x, i) => i === 0 || cmp(l[i - 1], x) <= 0)))
  .registerFunction(method('sum', 'list', 'dyn', [], (l: unknown[]) => (l.length ? l.reduce((a: any, b: any) => a + b) : 0n)))
  .registerFunction(method('min', 'list', 'dyn', [], (l: unknown[]) => listExtreme(l, -1)))
  .registerFunction(method('max', 'list', 'dyn', [], (l: unknown[]) => listExtreme(l, 1)))
  .registerFunction(
    method('indexOf', 'list', 'int', ['dyn'], (l: unknown[], v: unknown) => BigInt(l.findIndex((x) => cmp(x, v) === 0 && typeof x === typeof v))),
  )
  .registerFunction(
    method('lastIndexOf', 'list', 'int', ['dyn'], (l: unknown[], v: unknown) => {
      for (let i = l.length - 1; i >= 0; i--) if (typeof l[i] === typeof v && cmp(l[i], v) === 0) return BigInt(i);
      return -1n;
    }),
  );

export const celEnvironment = registerFormatLibrary(registerURLLibrary(registerAuthorizerLibrary(registerNetworkLibrary(baseEnvironment))));

function listExtreme(l: unknown[], sign: 1 | -1): unknown {
  if (!l.length) throw new Error(`${sign > 0 ? 'max' : 'min'} called on empty list`);
  return l.reduce((a, b) => (cmp(b, a) * sign > 0 ? b : a));
}

/** Kubernetes gives CEL integers for JSON integers; the library's ints are BigInts */
export function toCel(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map(toCel);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toCel(x)]));
  return v;
}

/**
 * An evaluation error as cel-go words it, wherever it surfaces (CRD rules, admission policies, match conditions):
 * one line without the source excerpt cel-js appends, a missing key as `no such key: k`, reading an empty optional
 * (format's validate(), format.named()) as `optional.none() dereference`.
 */
function celGoWords(message: string): string {
  return message
    .split('\n')[0]
    .replace(/^No such key/, 'no such key')
    .replace(/^Optional value is not present/, 'optional.none() dereference');
}

const compiled = new Map<string, (ctx: Record<string, unknown>) => unknown>();

/** compiles (once per text) an expression of the Kubernetes CEL environment; throws the parse error */
export function compileCel(expr: string): (ctx: Record<string, unknown>) => unknown {
  let f = compiled.get(expr);
  if (!f) {
    const run = celEnvironment.parse(expr) as unknown as (ctx: Record<string, unknown>) => unknown;
    f = (ctx) => {
      try {
        return run(ctx);
      } catch (e) {
        if (e instanceof Error) e.message = celGoWords(e.message);
        throw e;
      }
    };
    compiled.set(expr, f);
  }
  return f;
}
