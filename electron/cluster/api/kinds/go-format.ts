// Upstream prints struct-valued bad values with Go's %#v (e.g. `v1.LabelSelector{MatchLabels:map[string]string{...}}`).
// errors.ts formats JSON-typed values only, so these render the Go form, and `goInvalid` carries it as the error's
// text: the value is marked omitted and the rendered form leads the detail, which prints as "Invalid value: <go>: <detail>".
import type { FieldError } from '../errors';

export function goInvalid(field: string, goValue: string, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, omitValue: true, detail: `${goValue}: ${detail}` };
}

const q = (s: unknown): string => JSON.stringify(String(s ?? ''));

/** schema.GroupVersionKind's String(): "apps/v1, Kind=Deployment", "/v1, Kind=Pod" for the core group */
export function goGVK(apiVersion: string, kind: string): string {
  return `${apiVersion.includes('/') ? apiVersion : `/${apiVersion}`}, Kind=${kind}`;
}

export function goStringMap(m: Record<string, string> | undefined | null): string {
  if (!m) return 'map[string]string(nil)';
  const keys = Object.keys(m).sort();
  return `map[string]string{${keys.map((k) => `${q(k)}:${q(m[k])}`).join(', ')}}`;
}

export function goStringSlice(v: string[] | undefined | null): string {
  if (!v) return '[]string(nil)';
  return `[]string{${v.map(q).join(', ')}}`;
}

export function goLabelSelector(sel: any, pkg = 'v1'): string {
  const exprs = sel?.matchExpressions;
  const e = exprs
    ? `[]${pkg}.LabelSelectorRequirement{${exprs.map((r: any) => `${pkg}.LabelSelectorRequirement{Key:${q(r.key)}, Operator:${q(r.operator)}, Values:${goStringSlice(r.values)}}`).join(', ')}}`
    : `[]${pkg}.LabelSelectorRequirement(nil)`;
  return `${pkg}.LabelSelector{MatchLabels:${goStringMap(sel?.matchLabels)}, MatchExpressions:${e}}`;
}

export function goIntOrString(v: unknown): string {
  if (typeof v === 'string') return `intstr.IntOrString{Type:1, IntVal:0, StrVal:${q(v)}}`;
  return `intstr.IntOrString{Type:0, IntVal:${typeof v === 'number' ? v : 0}, StrVal:""}`;
}

export function goBytes(b: Uint8Array): string {
  return `[]uint8{${Array.from(b, (x) => '0x' + x.toString(16)).join(', ')}}`;
}

/** A shortened rendering of a pod template; upstream dumps every field, which nobody reads past the first line. */
export function goPodTemplate(tpl: any): string {
  const containers = (tpl?.spec?.containers ?? []) as any[];
  const cs = containers.map((c) => `core.Container{Name:${q(c?.name)}, Image:${q(c?.image)}, ...}`).join(', ');
  return (
    `core.PodTemplateSpec{ObjectMeta:v1.ObjectMeta{Labels:${goStringMap(tpl?.metadata?.labels)}, ...}, ` +
    `Spec:core.PodSpec{Containers:[]core.Container{${cs}}, RestartPolicy:${q(tpl?.spec?.restartPolicy)}, ...}}`
  );
}
