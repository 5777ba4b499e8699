// Checks shared by the apps/v1 workloads (ValidatePodTemplateSpecForReplicaSet and the selector rules around it).
import type { FieldError } from '../../errors';
import { forbidden, notSupported, required } from '../../errors';
import { validatePodTemplateSpec } from '../core/pod-spec';
import { validateLabelSelector } from '../../validation/selectors';
import { goInvalid, goIntOrString, goLabelSelector, goStringMap } from '../go-format';
import { intOrPercentIsZero, notMoreThan100Percent, positiveIntOrPercent } from '../strategy-helpers';
import { deepEqual } from '../../object';
import { labelSelectorIsEmpty, labelSelectorMatches } from '../../selectors';
import { validateAnnotations, validateLabels } from '../../validation/meta';

/** selector required, valid, and (unless `emptyWhat` is undefined) not empty. */
export function validateWorkloadSelector(sel: any, path: string, emptyWhat: string): FieldError[] {
  if (!sel) return [required(path, '')];
  const errs = validateLabelSelector(sel, path);
  if (labelSelectorIsEmpty(sel)) errs.push(goInvalid(path, goLabelSelector(sel), `empty selector is invalid for ${emptyWhat}`));
  return errs;
}

/**
 * The template must exist, be selected by `sel`, restart Always and have no activeDeadlineSeconds. A StatefulSet's
 * pod spec is not validated (`podSpec: false`): as upstream, only its labels and annotations are, because its
 * containers mount the claim templates, which are not volumes of the template; a bad spec surfaces when the
 * controller creates the pods.
 */
export function validateTemplateForController(tpl: any, sel: any, path: string, kindLabel = 'ReplicaSet', podSpec = true): FieldError[] {
  if (!tpl) return [required(path, '')];
  const errs: FieldError[] = [];
  // a nil selector selects nothing (so it never matches); an empty one selects everything (no check).
  if (!labelSelectorIsEmpty(sel) && !labelSelectorMatches(sel, tpl.metadata?.labels)) {
    errs.push(goInvalid(`${path}.metadata.labels`, goStringMap(tpl.metadata?.labels), '`selector` does not match template `labels`'));
  }
  if (podSpec) errs.push(...validatePodTemplateSpec(tpl, path));
  else errs.push(...validateLabels(tpl.metadata?.labels, `${path}.labels`), ...validateAnnotations(tpl.metadata?.annotations, `${path}.annotations`));
  const rp = tpl.spec?.restartPolicy;
  if (rp !== undefined && rp !== 'Always') errs.push(notSupported(`${path}.spec.restartPolicy`, rp, ['Always']));
  if (tpl.spec?.activeDeadlineSeconds !== undefined && tpl.spec?.activeDeadlineSeconds !== null) {
    errs.push(forbidden(`${path}.spec.activeDeadlineSeconds`, `activeDeadlineSeconds in ${kindLabel} is not Supported`));
  }
  return errs;
}

/** maxUnavailable / maxSurge of a rolling update (Deployment and DaemonSet share the rules). */
export function validateRollingParams(ru: any, path: string): FieldError[] {
  if (!ru) return [];
  const errs: FieldError[] = [];
  errs.push(...positiveIntOrPercent(ru.maxUnavailable, `${path}.maxUnavailable`));
  errs.push(...positiveIntOrPercent(ru.maxSurge, `${path}.maxSurge`));
  if (intOrPercentIsZero(ru.maxUnavailable ?? 0) && intOrPercentIsZero(ru.maxSurge ?? 0)) {
    errs.push(goInvalid(`${path}.maxUnavailable`, goIntOrString(ru.maxUnavailable ?? 0), 'may not be 0 when `maxSurge` is 0'));
  }
  errs.push(...notMoreThan100Percent(ru.maxUnavailable, `${path}.maxUnavailable`));
  return errs;
}

export function selectorImmutable(obj: any, old: any, path = 'spec.selector'): FieldError[] {
  return deepEqual(obj?.spec?.selector ?? null, old?.spec?.selector ?? null)
    ? []
    : [goInvalid(path, goLabelSelector(obj?.spec?.selector), 'field is immutable')];
}
