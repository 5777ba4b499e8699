// Imports a Killercoda scenario, or a folder of them, as KubeLab lab folders (see convert.ts), each loaded back
// through the lab loader before it counts as imported.
import { mkdirSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { loadLab } from '../loader';
import { findScenarios } from './scenario';
import { convertScenario, labIdFor } from './convert';

export interface ScenarioImport {
  scenario: string;
  id?: string;
  dir?: string;
  /** why it could not be imported: problems naming file and line */
  errors: string[];
  /** what KubeLab does not do (as `kubelab lab lint` reports it) */
  unsupported: string[];
  warnings: string[];
}

export function importScenarios(src: string, outRoot: string): ScenarioImport[] {
  const dirs = findScenarios(resolve(src));
  if (!dirs.length) throw new Error(`${src}: neither a lab pack nor a Killercoda scenario (no lab.yaml, no index.json here or one level down)`);
  mkdirSync(outRoot, { recursive: true });
  const used = new Set<string>();
  return dirs.map((d) => {
    let id = labIdFor(d);
    for (let n = 2; used.has(id); n++) id = `${labIdFor(d)}-${n}`;
    used.add(id);
    try {
      const r = convertScenario(d, outRoot, id);
      loadLab(r.dir);
      return { scenario: basename(d), id, dir: r.dir, errors: [], unsupported: r.lint.errors, warnings: r.lint.warnings };
    } catch (err) {
      return { scenario: basename(d), errors: (err as Error).message.split('\n'), unsupported: [], warnings: [] };
    }
  });
}
