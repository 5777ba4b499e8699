// `kubelab lab lint DIR`: everything the loader checks plus the course's authoring rules.
import { join } from 'node:path';
import { findLabDirs, readLab } from './loader';
import { lintStep, type Finding } from './lint-rules';
import { LANGS } from './types';
import { findScenarios } from './killercoda/scenario';
import { lintScenario, ORIGINAL } from './killercoda/convert';

/** errors: everything to fix; structural: the part that makes a lab unusable (an imported pack must have none) */
export interface LintResult {
  labs: number;
  errors: string[];
  warnings: string[];
  findings: Finding[];
  structural: string[];
}

export function lintLabs(root: string): LintResult {
  const dirs = findLabDirs(root);
  // a Killercoda scenario (or a folder of them) not imported yet: what cannot be read, and what KubeLab does not do
  const scenarios = dirs.length ? [] : findScenarios(root);
  if (scenarios.length) {
    const all = scenarios.map((d) => lintScenario(d));
    const errors = all.flatMap((r) => r.errors);
    return { labs: scenarios.length, errors, warnings: all.flatMap((r) => r.warnings), findings: [], structural: errors };
  }
  const errors: string[] = [],
    warnings: string[] = [],
    findings: Finding[] = [],
    graded: string[] = [];
  if (!dirs.length) errors.push(`${root}: no lab directories (folders with a lab.yaml) found`);
  const ids = new Map<string, string>();
  const namespaces = new Map<string, string>();
  for (const d of dirs) {
    const { lab, problems } = readLab(d);
    errors.push(...problems);
    if (!lab) continue;
    const file = join(d, 'lab.yaml');
    if (lab.source === 'killercoda') {
      // a converted scenario is graded by its own verify scripts: the course's authoring rules do not apply, and
      // what KubeLab cannot do is found in the scenario's files as they were imported
      const kc = lintScenario(join(d, ORIGINAL));
      graded.push(...kc.errors);
      warnings.push(...kc.warnings);
      if (ids.has(lab.id)) errors.push(`${file}: lab id "${lab.id}" is also used by ${ids.get(lab.id)}`);
      ids.set(lab.id, file);
      continue;
    }
    if (ids.has(lab.id)) errors.push(`${file}: lab id "${lab.id}" is also used by ${ids.get(lab.id)}`);
    ids.set(lab.id, file);
    for (const ns of lab.namespaces) {
      if (namespaces.has(ns)) errors.push(`${file}: namespace ${ns} is also used by ${namespaces.get(ns)} (labs must not collide)`);
      namespaces.set(ns, file);
    }
    if (lab.steps.length < 3) errors.push(`${file}: a lab needs at least 3 graded steps (has ${lab.steps.length})`);
    for (const s of lab.steps) {
      const where = s.checks[0]?.where ?? file;
      if (!s.hints.length) errors.push(`${where}: step "${s.id}" has no hints`);
      if (!s.solution.actions.length) errors.push(`${where}: step "${s.id}" has no reference solution`);
      for (const l of LANGS) if (!s.text[l].trim()) errors.push(`${join(d, `${l}.md`)}: step "${s.id}" has no text`);
      for (const f of lintStep(s, file)) {
        findings.push(f);
        if (f.waived) continue;
        graded.push(`${f.where}: [${f.rule}] ${f.message}`);
      }
      if (!s.blocks.en.length) warnings.push(`${join(d, 'en.md')}: step "${s.id}" has no code block for the learner to run or copy`);
    }
    for (const l of LANGS) if (!lab.intro[l].trim()) warnings.push(`${join(d, `${l}.md`)}: no introduction before the first step`);
  }
  return { labs: dirs.length, errors: [...errors, ...graded], warnings, findings, structural: errors };
}
