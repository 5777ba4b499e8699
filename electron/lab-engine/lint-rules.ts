// The grading rules of `kubelab lab lint`: a check must earn its pass. Each finding names a rule; a step may accept
// one with `lint: {RULE: why}` in lab.yaml (the reason is printed with the finding and the lint stays green).
import type { Check, Step } from './types';

export interface Finding {
  rule: string;
  where: string;
  message: string;
  waived?: string;
}

export const RULES = {
  'near-misses': 'every graded step carries at least two near-miss attempts its checks must reject',
  'existence-only': 'the checks only test that an object exists',
  'answer-in-hint': 'the value the check expects is written in a hint or in the text',
  'any-value': 'the check accepts any value',
  'spec-only': 'the text asks for a behaviour but the checks read spec fields only',
  'exact-form': 'a value with several equivalent spellings is compared as a string inside an expression',
} as const;

/** words in a step's text that ask for something the cluster must do, not only store */
const BEHAVIOUR =
  /\b(restart(s|ed)?|liveness|readiness|startup probe|evict(s|ed|ion)?|preempt(s|ed|ion)?|roll(s|ed)? ?back|undo|rejects?|rejected|killed|runs on|lands? on|started a job)\b/i;

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function keysDeep(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => keysDeep(x, out));
  else if (isMap(v))
    for (const [k, x] of Object.entries(v)) {
      out.push(k);
      keysDeep(x, out);
    }
  return out;
}

function leaves(v: unknown, path = '', out: [string, unknown][] = []): [string, unknown][] {
  if (Array.isArray(v)) v.forEach((x, i) => leaves(x, `${path}[${i}]`, out));
  else if (isMap(v)) for (const [k, x] of Object.entries(v)) leaves(x, path ? `${path}.${k}` : k, out);
  else out.push([path, v]);
  return out;
}

function existenceOnly(c: Check): boolean {
  if (c.type !== 'assert') return false;
  const { apiVersion: _a, kind, metadata, ...rest } = c.object as Record<string, unknown>;
  if (String(kind).endsWith('List') || Object.keys(rest).length) return false;
  return !isMap(metadata) || Object.keys(metadata).every((k) => ['name', 'namespace'].includes(k));
}

/**
 * The literal answers a check expects: values the student writes into a ConfigMap or Secret. (An exec check's
 * output is produced by the cluster when the grader runs the command, so knowing it in advance does not help.)
 */
function answers(c: Check): string[] {
  if (c.type === 'assert' && ['ConfigMap', 'Secret'].includes(String(c.object.kind))) {
    return leaves({ data: c.object.data, stringData: c.object.stringData })
      .map(([, v]) => String(v ?? ''))
      .filter((v) => v && !/[*?]/.test(v));
  }
  return [];
}

function anyValue(c: Check): string | undefined {
  if (c.type === 'exec' && c.expect.stdout && /^\^?(\.[*+]|\\S\+|\[\^\\s\]\+)\$?$/.test(c.expect.stdout))
    return `exec output /${c.expect.stdout}/ matches anything printed`;
  if (c.type !== 'assert' && c.type !== 'error') return undefined;
  if (['ConfigMap', 'Secret'].includes(String(c.object.kind))) {
    for (const [p, v] of leaves({ data: c.object.data })) if (v === '*' || v === '?*') return `${p} accepts any value ("${v}")`;
  }
  for (const k of keysDeep(c.object)) {
    // a comparison of two fields with each other (no literal on either side) passes for any pair of distinct values
    for (const m of k.matchAll(/([\w."-]+)\s*!=\s*([\w."-]+)/g)) {
      const literal = (x: string) => /^['`"\d]/.test(x) || x === 'null';
      if (!literal(m[1]) && !literal(m[2]))
        return `the expression ${k} accepts any two different values (compare with what the grader reads itself: exec … expect: {recorded: …})`;
    }
  }
  return undefined;
}

/** a check that reads what the cluster observed rather than what was asked for */
function observes(c: Check): boolean {
  // a script may read anything (files on a node, command output): the linter cannot see what, so it is trusted
  if (c.type !== 'assert') return true;
  const keys = keysDeep(c.object);
  return (
    keys.some((k) => k === 'status' || /\bstatus\./.test(k)) ||
    /^(Event|Pod|ReplicaSet|Job)List$/.test(String(c.object.kind)) ||
    ['Event', 'Job'].includes(String(c.object.kind))
  );
}

function exactForm(c: Check): string | undefined {
  if (c.type !== 'assert' && c.type !== 'error') return undefined;
  for (const k of keysDeep(c.object)) {
    if (/'\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)'/.test(k) || /`"?\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)"?`/.test(k))
      return `${k} compares a quantity as a string (write it as a tree value: the grader compares parsed quantities)`;
    if (/'[*\d/,-]+( [*\d/,-]+){4}'/.test(k))
      return `${k} compares a cron schedule as a string (write it as a tree value under schedule: the grader compares what it selects)`;
  }
  return undefined;
}

export function lintStep(step: Step, fallback: string): Finding[] {
  const at = step.checks[0]?.where ?? fallback;
  const out: Finding[] = [];
  const add = (rule: keyof typeof RULES, where: string, message: string) => out.push({ rule, where, message, waived: step.lintWaivers[rule] });
  if (step.nearMisses.length < 2)
    add(
      'near-misses',
      at,
      `step "${step.id}" has ${step.nearMisses.length} near-miss(es); declare at least two wrong attempts its checks must reject (nearMisses:)`,
    );
  if (step.checks.length && step.checks.every(existenceOnly))
    add('existence-only', at, `step "${step.id}" only checks that objects exist; check the property or behaviour the text asks for`);
  const told = [...step.hints.flatMap((h) => [h.en, h.zh]), step.text.en, step.text.zh].join('\n');
  for (const c of step.checks) {
    for (const a of answers(c)) {
      const re = new RegExp(`(^|[^\\w.-])${a.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}($|[^\\w.-])`, 'm');
      if (a.length >= 2 && !/^(true|false)$/.test(a) && re.test(told))
        add(
          'answer-in-hint',
          c.where,
          `step "${step.id}" expects "${a}", which its hints or text give away; grade something the student has to find out (a value drawn from the seed, cluster state, exec output)`,
        );
    }
    const any = anyValue(c);
    if (any) add('any-value', c.where, `step "${step.id}": ${any}`);
    const ef = exactForm(c);
    if (ef) add('exact-form', c.where, `step "${step.id}": ${ef}`);
  }
  const asks = BEHAVIOUR.exec(step.text.en);
  if (asks && step.checks.length && !step.checks.some(observes))
    add(
      'spec-only',
      at,
      `step "${step.id}" asks for a behaviour ("${asks[0]}") but checks spec fields only; check what the cluster observed (events, status conditions, restart counts, exec output)`,
    );
  for (const k of Object.keys(step.lintWaivers))
    if (!(k in RULES))
      out.push({ rule: 'unknown-rule', where: at, message: `step "${step.id}" waives "${k}", which is not a lint rule (${Object.keys(RULES).join(', ')})` });
  return out;
}
