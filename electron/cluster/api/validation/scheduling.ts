// Tolerations, affinity and topology spread constraints: the pod fields the scheduler reads.
import { type FieldError, duplicate, forbidden, invalid, notSupported, required } from '../errors';
import { validateLabels } from './meta';
import { isQualifiedName, isValidLabelValue } from './names';
import { validateLabelSelector } from './selectors';

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

const labelName = (key: string, path: string): FieldError[] => isQualifiedName(key).map((m) => invalid(path, key, m));

export function validateTaintEffect(effect: string, path: string): FieldError[] {
  return TAINT_EFFECTS.includes(effect) ? [] : [notSupported(path, effect, TAINT_EFFECTS)];
}

export function validateTolerations(tolerations: any[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (tolerations ?? []).forEach((t, i) => {
    const p = `${path}[${i}]`;
    const key = t.key ?? '';
    const op = t.operator ?? '';
    const value = t.value ?? '';
    if (key) errs.push(...labelName(key, `${p}.key`));
    if (!key && op !== 'Exists') {
      errs.push(invalid(`${p}.operator`, op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && t.effect !== 'NoExecute') {
      errs.push(invalid(`${p}.effect`, t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (op === 'Equal' || op === '') {
      for (const m of isValidLabelValue(value)) errs.push(invalid(`${p}.operator`, value, m));
    } else if (op === 'Exists') {
      if (value) errs.push(invalid(`${p}.operator`, t, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(notSupported(`${p}.operator`, op, ['Equal', 'Exists']));
    }
    if (t.effect) errs.push(...validateTaintEffect(t.effect, `${p}.effect`));
  });
  return errs;
}

function validateNodeSelectorRequirement(r: any, path: string, fieldSelector = false): FieldError[] {
  const errs: FieldError[] = [];
  const values: string[] = r.values ?? [];
  switch (r.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(required(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(forbidden(`${path}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) errs.push(required(`${path}.values`, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(invalid(`${path}.operator`, r.operator ?? '', 'not a valid selector operator'));
  }
  if (!fieldSelector) errs.push(...labelName(r.key ?? '', `${path}.key`));
  return errs;
}

export function validateNodeSelectorTerm(term: any, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (term?.matchExpressions ?? []).forEach((r: any, j: number) => errs.push(...validateNodeSelectorRequirement(r, `${path}.matchExpressions[${j}]`)));
  (term?.matchFields ?? []).forEach((r: any, j: number) => {
    const p = `${path}.matchFields[${j}]`;
    if (r.key !== 'metadata.name') errs.push(invalid(`${p}.key`, r.key ?? '', 'not a valid field selector key'));
    errs.push(...validateNodeSelectorRequirement(r, p, true));
  });
  return errs;
}

function validatePodAffinityTerm(term: any, path: string): FieldError[] {
  const errs = validateLabelSelector(term?.labelSelector, `${path}.labelSelector`);
  errs.push(...validateLabelSelector(term?.namespaceSelector, `${path}.namespaceSelector`));
  if (!term?.topologyKey) errs.push(required(`${path}.topologyKey`, 'can not be empty'));
  else errs.push(...labelName(term.topologyKey, `${path}.topologyKey`));
  return errs;
}

const weightErr = (w: unknown, path: string): FieldError[] =>
  typeof w === 'number' && w >= 1 && w <= 100 ? [] : [invalid(`${path}.weight`, w ?? 0, 'must be in the range 1-100')];

export function validateAffinity(aff: any, path: string): FieldError[] {
  if (!aff) return [];
  const errs: FieldError[] = [];
  const na = aff.nodeAffinity;
  if (na) {
    const req = na.requiredDuringSchedulingIgnoredDuringExecution;
    if (req) {
      const rp = `${path}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution`;
      const terms = req.nodeSelectorTerms ?? [];
      if (terms.length === 0) errs.push(required(`${rp}.nodeSelectorTerms`, 'must have at least one node selector term'));
      terms.forEach((t: any, i: number) => errs.push(...validateNodeSelectorTerm(t, `${rp}.nodeSelectorTerms[${i}]`)));
    }
    (na.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t: any, i: number) => {
      const p = `${path}.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
      errs.push(...weightErr(t.weight, p), ...validateNodeSelectorTerm(t.preference, `${p}.preference`));
    });
  }
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    const pa = aff[kind];
    if (!pa) continue;
    (pa.requiredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t: any, i: number) =>
      errs.push(...validatePodAffinityTerm(t, `${path}.${kind}.requiredDuringSchedulingIgnoredDuringExecution[${i}]`)),
    );
    (pa.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t: any, i: number) => {
      const p = `${path}.${kind}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
      errs.push(...weightErr(t.weight, p), ...validatePodAffinityTerm(t.podAffinityTerm, `${p}.podAffinityTerm`));
    });
  }
  return errs;
}

export function validateTopologySpreadConstraints(constraints: any[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = constraints ?? [];
  list.forEach((c, i) => {
    const p = `${path}[${i}]`;
    if (!(typeof c.maxSkew === 'number' && c.maxSkew > 0)) errs.push(invalid(`${p}.maxSkew`, c.maxSkew ?? 0, 'must be greater than zero'));
    if (!c.topologyKey) errs.push(required(`${p}.topologyKey`, 'can not be empty'));
    else errs.push(...labelName(c.topologyKey, `${p}.topologyKey`));
    const actions = ['DoNotSchedule', 'ScheduleAnyway'];
    if (!actions.includes(c.whenUnsatisfiable)) errs.push(notSupported(`${p}.whenUnsatisfiable`, c.whenUnsatisfiable ?? '', actions));
    if (list.slice(i + 1).some((o) => o.topologyKey === c.topologyKey && o.whenUnsatisfiable === c.whenUnsatisfiable)) {
      errs.push(duplicate(`${p}.{topologyKey, whenUnsatisfiable}`, `{${c.topologyKey}, ${c.whenUnsatisfiable}}`));
    }
    if (c.minDomains !== undefined && c.minDomains !== null) {
      if (c.minDomains <= 0) errs.push(invalid(`${p}.minDomains`, c.minDomains, 'must be greater than 0'));
      else if (c.whenUnsatisfiable !== 'DoNotSchedule') {
        errs.push(invalid(`${p}.minDomains`, c.minDomains, 'can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway'));
      }
    }
    errs.push(...validateLabelSelector(c.labelSelector, `${p}.labelSelector`));
  });
  return errs;
}

export function validateNodeSelector(sel: Record<string, string> | undefined, path: string): FieldError[] {
  return validateLabels(sel, path);
}
