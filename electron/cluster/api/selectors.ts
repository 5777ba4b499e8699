// Label and field selectors as the API server parses them from ?labelSelector= and ?fieldSelector=.
import { errBadRequest } from './errors';

export type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: '=' | '!='; values: [string] }
  | { key: string; op: 'exists' | '!' }
  | { key: string; op: 'gt' | 'lt'; values: [string] };

export type Selector = Requirement[];

const tokenRe = /\s*(!=|==|=|\(|\)|,|!|[^\s!=(),]+)/y;

function tokenize(s: string): string[] {
  const out: string[] = [];
  tokenRe.lastIndex = 0;
  let m: RegExpExecArray | null;
  while (tokenRe.lastIndex < s.length && (m = tokenRe.exec(s))) {
    out.push(m[1]);
    if (/^\s*$/.test(s.slice(tokenRe.lastIndex))) break;
  }
  return out;
}

/** Parses a label selector string (`a=b,c!=d,e in (f,g),!h,i`), throwing 400 like upstream on syntax errors. */
export function parseLabelSelector(input: string): Selector {
  const s = input.trim();
  if (!s) return [];
  const toks = tokenize(s);
  const reqs: Selector = [];
  let i = 0;
  const bad = (why: string) => errBadRequest(`unable to parse requirement: ${why}`);
  while (i < toks.length) {
    let t = toks[i++];
    if (t === '!') {
      const key = toks[i++];
      if (!key || /[(),=!]/.test(key)) throw bad(`found '${key ?? ''}', expected: identifier`);
      reqs.push({ key, op: '!' });
    } else {
      const key = t;
      const op = toks[i];
      if (op === undefined || op === ',') {
        reqs.push({ key, op: 'exists' });
      } else if (op === '=' || op === '==' || op === '!=') {
        i++;
        let v = toks[i];
        if (v === undefined || v === ',') v = '';
        else i++;
        reqs.push({ key, op: op === '!=' ? '!=' : '=', values: [v] });
      } else if (op === 'in' || op === 'notin') {
        i++;
        if (toks[i++] !== '(') throw bad(`found '${toks[i - 1] ?? ''}', expected: '('`);
        const values: string[] = [];
        while (i < toks.length && toks[i] !== ')') {
          t = toks[i++];
          if (t === ',') continue;
          values.push(t);
        }
        if (toks[i++] !== ')') throw bad(`found '', expected: ')'`);
        reqs.push({ key, op, values });
      } else if (op === 'gt' || op === 'lt') {
        i++;
        reqs.push({ key, op, values: [toks[i++] ?? ''] });
      } else {
        throw bad(`found '${op}', expected: in, notin, =, ==, !=, gt, lt`);
      }
    }
    if (i < toks.length) {
      if (toks[i] !== ',') throw bad(`found '${toks[i]}', expected: ','`);
      i++;
    }
  }
  return reqs;
}

export function matchesLabels(sel: Selector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const r of sel) {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case '=':
        if (!has || v !== r.values[0]) return false;
        break;
      case '!=':
        if (has && v === r.values[0]) return false;
        break;
      case 'in':
        if (!has || !r.values.includes(v)) return false;
        break;
      case 'notin':
        if (has && r.values.includes(v)) return false;
        break;
      case 'exists':
        if (!has) return false;
        break;
      case '!':
        if (has) return false;
        break;
      case 'gt':
        if (!has || !(Number(v) > Number(r.values[0]))) return false;
        break;
      case 'lt':
        if (!has || !(Number(v) < Number(r.values[0]))) return false;
        break;
    }
  }
  return true;
}

/** a metav1.LabelSelector as objects carry it */
export interface LabelSelectorLike {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** metav1.LabelSelector (matchLabels + matchExpressions) → matcher; an empty selector matches everything, null (or an
 *  unknown operator, which upstream's LabelSelectorAsSelector rejects) matches nothing. */
export function labelSelectorMatcher(sel: LabelSelectorLike | null | undefined): (labels: Record<string, string> | undefined) => boolean {
  if (sel == null) return () => false;
  const reqs: Selector = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key: k, op: '=', values: [v] });
  for (const e of sel.matchExpressions ?? []) {
    switch (e.operator) {
      case 'In':
        reqs.push({ key: e.key, op: 'in', values: e.values ?? [] });
        break;
      case 'NotIn':
        reqs.push({ key: e.key, op: 'notin', values: e.values ?? [] });
        break;
      case 'Exists':
        reqs.push({ key: e.key, op: 'exists' });
        break;
      case 'DoesNotExist':
        reqs.push({ key: e.key, op: '!' });
        break;
      default:
        return () => false;
    }
  }
  return (labels) => matchesLabels(reqs, labels);
}

/** labels.Selector.Matches for a metav1.LabelSelector, for a single test */
export const labelSelectorMatches = (sel: LabelSelectorLike | null | undefined, labels: Record<string, string> | undefined): boolean =>
  labelSelectorMatcher(sel)(labels);

/** true for a selector that is present but selects by nothing (it matches every object) */
export const labelSelectorIsEmpty = (sel: LabelSelectorLike | null | undefined): boolean =>
  !!sel && Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length === 0;

/** labels.Selector.String() for a metav1.LabelSelector: requirements sorted by key, values sorted; '' for none */
export function selectorString(sel: LabelSelectorLike | null | undefined): string {
  if (!sel) return '';
  const reqs: { key: string; text: string }[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key: k, text: `${k}=${v}` });
  for (const e of sel.matchExpressions ?? []) {
    const vals = [...(e.values ?? [])].sort().join(',');
    switch (e.operator) {
      case 'In':
        reqs.push({ key: e.key, text: `${e.key} in (${vals})` });
        break;
      case 'NotIn':
        reqs.push({ key: e.key, text: `${e.key} notin (${vals})` });
        break;
      case 'Exists':
        reqs.push({ key: e.key, text: e.key });
        break;
      case 'DoesNotExist':
        reqs.push({ key: e.key, text: `!${e.key}` });
        break;
    }
  }
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return reqs.map((r) => r.text).join(',');
}

/** metav1.FormatLabelSelector: the string form kubectl shows (describe, the SELECTOR column); `<none>` when empty */
export const formatLabelSelector = (sel: LabelSelectorLike | null | undefined): string => selectorString(sel) || '<none>';

/** labels.FormatLabels: sorted k=v pairs, `<none>` when empty */
export function formatLabels(m: Record<string, string> | undefined | null): string {
  const keys = Object.keys(m ?? {}).sort();
  return keys.length ? keys.map((k) => `${k}=${m![k]}`).join(',') : '<none>';
}

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

/** Parses ?fieldSelector= (only =, ==, != as upstream). */
export function parseFieldSelector(input: string): FieldRequirement[] {
  const s = input.trim();
  if (!s) return [];
  const out: FieldRequirement[] = [];
  for (const part of splitUnescaped(s, ',')) {
    const m = /^([^!=]+)(!=|==|=)(.*)$/.exec(part.trim());
    if (!m) throw errBadRequest(`invalid selector: '${s}'; can't understand '${part}'`);
    out.push({ field: m[1].trim(), op: m[2] === '!=' ? '!=' : '=', value: unescapeField(m[3].trim()) });
  }
  return out;
}

function splitUnescaped(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && i + 1 < s.length) {
      cur += s[i] + s[i + 1];
      i++;
      continue;
    }
    if (s[i] === sep) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += s[i];
  }
  out.push(cur);
  return out;
}
function unescapeField(v: string): string {
  return v.replace(/\\(.)/g, '$1');
}
