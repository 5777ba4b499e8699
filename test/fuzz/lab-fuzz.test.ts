// Issue #22 item 4 (lab files): every shipped lab.yaml, mutated — values swapped for other types, nulls, keys
// removed, lines cut or duplicated, garbage inserted — must come back from the loader as problems that name the
// file (and line), never as an exception.
import { describe, it, expect, afterAll } from 'vitest';
import fc from 'fast-check';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { readLab } from '../../electron/lab-engine/loader';
import { REMOVE, treePaths, updateAt, type Step } from './tree';

const LABS = join(__dirname, '..', '..', 'labs');
const CASES = Number(process.env.KUBELAB_LAB_FUZZ_CASES ?? 600);
const SEED = Number(process.env.KUBELAB_FUZZ_SEED ?? 22);
const work = mkdtempSync(join(tmpdir(), 'kubelab-labfuzz-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const labDirs = readdirSync(LABS)
  .map((d) => join(LABS, d))
  .filter((d) => existsSync(join(d, 'lab.yaml')));

const paths = (v: unknown) => treePaths(v);
const setAt = (obj: unknown, path: Step[], value: unknown, remove: boolean): unknown => updateAt(obj, path, () => (remove ? REMOVE : value), null);

const swap = fc.constantFrom<unknown>(null, 0, -1, Number.MAX_VALUE, Infinity, true, '', ' ', 'x', [], {}, [null], { a: { b: null } }, 'ünï', '{{', '*');

const labCase = fc.tuple(fc.constantFrom(...labDirs), fc.nat(), fc.nat(), swap, fc.constantFrom('swap', 'remove', 'cut', 'dup', 'garbage', 'tab'));

describe('lab.yaml fuzzing (issue #22)', () => {
  it(
    `${CASES} mutated lab files give problems naming the file, never an exception`,
    () => {
      const samples = fc.sample(labCase, { seed: SEED, numRuns: CASES });
      let withProblems = 0;
      samples.forEach(([dir, a, b, value, op], i) => {
        const target = join(work, `case-${i}`);
        cpSync(dir, target, { recursive: true });
        const file = join(target, 'lab.yaml');
        const text = readFileSync(file, 'utf8');
        let out = text;
        if (op === 'swap' || op === 'remove') {
          const doc = YAML.parse(text);
          const ps = paths(doc).filter((p) => p.length > 0);
          out = YAML.stringify(setAt(doc, ps[a % ps.length], value, op === 'remove'));
        } else {
          const lines = text.split('\n');
          const at = a % lines.length;
          if (op === 'cut') out = lines.slice(0, at).join('\n') + '\n' + lines[at].slice(0, b % (lines[at].length + 1));
          if (op === 'dup') out = [...lines.slice(0, at + 1), lines[at], ...lines.slice(at + 1)].join('\n');
          if (op === 'garbage') out = [...lines.slice(0, at), `${' '.repeat(b % 6)}: - [ {`, ...lines.slice(at)].join('\n');
          if (op === 'tab') out = [...lines.slice(0, at), `\t${lines[at]}`, ...lines.slice(at + 1)].join('\n');
        }
        writeFileSync(file, out);
        let r: ReturnType<typeof readLab>;
        try {
          r = readLab(target);
        } catch (err) {
          throw new Error(`case ${i} (${op} on ${dir}) threw: ${(err as Error).stack}\n--- lab.yaml ---\n${out.slice(0, 2000)}`);
        }
        if (r.problems.length) withProblems++;
        for (const p of r.problems) expect(p.startsWith(target), `case ${i} (${op}): problem without a file: ${p}`).toBe(true);
        rmSync(target, { recursive: true, force: true });
      });
      // the mutations are not all harmless: most must be reported
      expect(withProblems).toBeGreaterThan(CASES / 4);
    },
    5 * 60_000,
  );
});
