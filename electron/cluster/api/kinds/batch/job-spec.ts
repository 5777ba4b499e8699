// JobSpec rules shared by Job and CronJob.spec.jobTemplate (ValidateJobSpec / validateJobSpec upstream).
import type { FieldError } from '../../errors';
import { invalid, notSupported, required } from '../../errors';
import { validatePodTemplateSpec } from '../core/pod-spec';
import { validateLabelSelector } from '../../validation/selectors';
import { goInvalid, goStringMap } from '../go-format';
import { nonNegative, positive } from '../strategy-helpers';
import { labelSelectorIsEmpty, labelSelectorMatches } from '../../selectors';

export function validateJobSpec(spec: any, path: string, opts: { isCronJobTemplate?: boolean } = {}): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...nonNegative(spec.parallelism, `${path}.parallelism`));
  errs.push(...nonNegative(spec.completions, `${path}.completions`));
  errs.push(...positive(spec.activeDeadlineSeconds, `${path}.activeDeadlineSeconds`));
  errs.push(...nonNegative(spec.backoffLimit, `${path}.backoffLimit`));
  errs.push(...nonNegative(spec.ttlSecondsAfterFinished, `${path}.ttlSecondsAfterFinished`));
  const mode = spec.completionMode;
  if (mode !== undefined && mode !== 'NonIndexed' && mode !== 'Indexed') {
    errs.push(notSupported(`${path}.completionMode`, mode, ['NonIndexed', 'Indexed']));
  }
  if (mode === 'Indexed') {
    if (spec.completions === undefined || spec.completions === null) {
      errs.push(required(`${path}.completions`, 'when completion mode is Indexed'));
    }
  }
  const prp = spec.podReplacementPolicy;
  if (prp !== undefined && prp !== 'TerminatingOrFailed' && prp !== 'Failed') {
    errs.push(notSupported(`${path}.podReplacementPolicy`, prp, ['Failed', 'TerminatingOrFailed']));
  }
  if (spec.selector) {
    errs.push(...validateLabelSelector(spec.selector, `${path}.selector`));
  } else if (!opts.isCronJobTemplate) {
    errs.push(required(`${path}.selector`, ''));
  }
  const tpl = spec.template;
  if (!tpl) {
    errs.push(required(`${path}.template`, ''));
    return errs;
  }
  if (spec.selector && !labelSelectorIsEmpty(spec.selector) && !labelSelectorMatches(spec.selector, tpl.metadata?.labels)) {
    errs.push(goInvalid(`${path}.template.metadata.labels`, goStringMap(tpl.metadata?.labels), '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplateSpec(tpl, `${path}.template`));
  const rp = tpl.spec?.restartPolicy;
  if (rp !== 'OnFailure' && rp !== 'Never') {
    errs.push(required(`${path}.template.spec.restartPolicy`, 'valid values: "OnFailure", "Never"'));
  }
  if (tpl.spec?.activeDeadlineSeconds !== undefined && tpl.spec?.activeDeadlineSeconds !== null) {
    errs.push(invalid(`${path}.template.spec.activeDeadlineSeconds`, tpl.spec.activeDeadlineSeconds, 'activeDeadlineSeconds in Job is not Supported'));
  }
  return errs;
}
