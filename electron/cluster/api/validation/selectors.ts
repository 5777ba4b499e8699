// metav1.LabelSelector validation (matching lives in api/selectors.ts).
import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { type FieldError, forbidden, invalid, required } from '../errors';
import { validateLabels } from './meta';
import { isQualifiedName, isValidLabelValue } from './names';

export function validateLabelSelector(sel: LabelSelector | undefined | null, path: string): FieldError[] {
  if (!sel) return [];
  const errs = validateLabels(sel.matchLabels, `${path}.matchLabels`);
  (sel.matchExpressions ?? []).forEach((req, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) errs.push(required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) errs.push(forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(invalid(`${p}.operator`, req.operator, 'not a valid selector operator'));
    }
    for (const m of isQualifiedName(req.key ?? '')) errs.push(invalid(`${p}.key`, req.key ?? '', m));
    values.forEach((v, j) => {
      for (const m of isValidLabelValue(v)) errs.push(invalid(`${p}.values[${j}]`, v, m));
    });
  });
  return errs;
}
