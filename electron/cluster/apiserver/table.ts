// meta.k8s.io/v1 Table responses: what `kubectl get` prints, computed on the server like upstream.
import type { KObject } from '../api/types';
import type { TableColumn } from '../api/kind';
import type { ResourceEntry } from './catalog';
import type { Accept } from './body';
import { evalJsonPath } from './jsonpath';

const NAME_COL: TableColumn = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description:
    'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  priority: 0,
};
const CREATED_COL: TableColumn = {
  name: 'Created At',
  type: 'date',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
  priority: 0,
};
const AGE_COL: TableColumn = {
  name: 'Age',
  type: 'date',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
  priority: 0,
};

interface Columns {
  defs: TableColumn[];
  row(o: KObject, now: Date): unknown[];
}

export function columnsFor(e: ResourceEntry): Columns {
  if (e.table) return { defs: e.table.columns, row: e.table.row };
  if (e.crd) return crdColumns(e);
  return { defs: [NAME_COL, CREATED_COL], row: (o) => [o.metadata.name, o.metadata.creationTimestamp] };
}

function crdColumns(e: ResourceEntry): Columns {
  const ver = (e.crd!.spec?.versions ?? []).find((v: any) => v.name === e.version);
  const extra: { name: string; type: string; format?: string; description?: string; priority?: number; jsonPath: string }[] =
    ver?.additionalPrinterColumns ?? [];
  const defs: TableColumn[] = [NAME_COL];
  for (const c of extra)
    defs.push({ name: c.name, type: c.type as TableColumn['type'], format: c.format, description: c.description ?? '', priority: c.priority ?? 0 });
  const hasAge = extra.some((c) => c.jsonPath === '.metadata.creationTimestamp');
  if (!hasAge) defs.push(AGE_COL);
  return {
    defs,
    row(o, now) {
      const cells: unknown[] = [o.metadata.name];
      for (const c of extra) {
        const v = evalJsonPath(o, c.jsonPath);
        if (v === undefined) {
          cells.push(null);
          continue;
        }
        if (c.type === 'date') cells.push(typeof v === 'string' ? humanAge(v, now) : v);
        else if (c.type === 'string' && typeof v !== 'string') cells.push(JSON.stringify(v));
        else cells.push(v);
      }
      if (!hasAge) cells.push(humanAge(o.metadata.creationTimestamp, now));
      return cells;
    },
  };
}

function humanAge(ts: string | undefined, now: Date): string {
  if (!ts) return '<unknown>';
  const ms = now.getTime() - Date.parse(ts);
  if (!Number.isFinite(ms)) return '<unknown>';
  return shortHumanDuration(ms);
}

/** upstream's duration.HumanDuration */
export function shortHumanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 60 * 2) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) {
    const r = s % 60;
    return r === 0 ? `${m}m` : `${m}m${r}s`;
  }
  if (m < 60 * 3) return `${m}m`;
  const h = Math.floor(s / 3600);
  if (h < 8) {
    const r = m % 60;
    return r === 0 ? `${h}h` : `${h}h${r}m`;
  }
  if (h < 48) return `${h}h`;
  if (h < 24 * 8) {
    const r = h % 24;
    return r === 0 ? `${Math.floor(h / 24)}d` : `${Math.floor(h / 24)}d${r}h`;
  }
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24)}d`;
  if (h < 24 * 365 * 8) {
    const dy = Math.floor(h / 24) % 365;
    return dy === 0 ? `${Math.floor(h / 24 / 365)}y` : `${Math.floor(h / 24 / 365)}y${dy}d`;
  }
  return `${Math.floor(h / 24 / 365)}y`;
}

function rowObject(o: KObject, accept: Accept): unknown {
  if (accept.includeObject === 'None') return undefined;
  if (accept.includeObject === 'Object') return o;
  // rows carry metadata for sorting and --show-labels; managedFields would only make kubectl parse kilobytes per row
  const { managedFields: _mf, ...metadata } = o.metadata;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata };
}

export function toTable(e: ResourceEntry, objs: KObject[], listMeta: Record<string, unknown>, accept: Accept, withColumns = true): Record<string, unknown> {
  const cols = columnsFor(e);
  const now = new Date();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: withColumns ? cols.defs : null,
    rows: objs.map((o) => {
      const r: Record<string, unknown> = { cells: safeRow(cols, o, now) };
      const ro = rowObject(o, accept);
      if (ro !== undefined) r.object = ro;
      return r;
    }),
  };
}

function safeRow(cols: Columns, o: KObject, now: Date): unknown[] {
  try {
    return cols.row(o, now);
  } catch {
    // a printer must never fail a list; show the name and blanks like a partially filled row
    return cols.defs.map((d, i) => (i === 0 ? o.metadata.name : d.type === 'string' ? '' : null));
  }
}
