// Issue #22 item 4 for Killercoda scenarios (the importer of #16): index.json, the Markdown texts and the scripts of
// a valid sample scenario, mutated — truncated or broken JSON, values of the wrong type, nulls, missing and huge
// files, binary files, directories and links where files belong, paths leading out of the folder — must come back
// from `kubelab lab import`'s converter and from lint as problems naming the file and its line, never as an
// exception, and nothing outside the scenario may be read or written.
import { describe, it, expect, afterAll } from 'vitest';
import fc from 'fast-check';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { importScenarios } from '../../electron/lab-engine/killercoda/import';
import { lintLabs } from '../../electron/lab-engine/lint';
import { loadLab } from '../../electron/lab-engine/loader';
import { MAX_FILE_BYTES } from '../../electron/lab-engine/killercoda/scenario';
import { REMOVE, treePaths, updateAt, type Step } from './tree';

const SAMPLE = join(__dirname, '..', 'fixtures', 'killercoda', 'web-basics');
const CASES = Number(process.env.KUBELAB_KC_FUZZ_CASES ?? 250);
const SEED = Number(process.env.KUBELAB_FUZZ_SEED ?? 16);
const work = mkdtempSync(join(tmpdir(), 'kubelab-kcfuzz-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
// a file beside every scenario copy: a path out of the folder that reached it would copy it into the lab
const SECRET = 'kubelab-fuzz-secret-content';
writeFileSync(join(work, 'secret.md'), SECRET);

const index = JSON.parse(readFileSync(join(SAMPLE, 'index.json'), 'utf8'));
const files = ['intro/text.md', 'intro/background.sh', 'step1/text.md', 'step1/verify.sh', 'step2/text.md', 'step3/verify.sh', 'finish.md'];

const paths = (v: unknown) => treePaths(v);
const setAt = (obj: unknown, path: Step[], value: unknown, remove: boolean): unknown => updateAt(obj, path, () => (remove ? REMOVE : value), null);
const allPaths = paths(index);

const weird = fc.oneof(
  fc.constantFrom(
    null,
    0,
    -1,
    1e308,
    true,
    '',
    ' ',
    [],
    {},
    [null],
    '../../etc/passwd',
    '/etc/passwd',
    '../secret.md',
    'step1/../../secret.md',
    'step1',
    '..',
    '.',
    'nope.md',
    '\u0000',
    'ünïcødé/ 文本.md',
    '{{exec}}',
    'kubernetes-kubeadm-1node',
    'ubuntu',
  ),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.anything({ maxDepth: 1 }), { maxKeys: 3 }),
);

const mutation = fc.oneof(
  // a field of index.json changed or removed
  fc.record({ kind: fc.constant('field' as const), path: fc.constantFrom(...allPaths), value: weird, remove: fc.boolean() }),
  // index.json's text cut, spliced or garbled
  fc.record({ kind: fc.constant('text' as const), at: fc.nat(), len: fc.nat({ max: 20 }), insert: fc.string({ maxLength: 20 }) }),
  // a referenced file removed, replaced by garbage, made huge or binary, turned into a directory or a link out
  fc.record({
    kind: fc.constant('file' as const),
    file: fc.constantFrom(...files),
    how: fc.constantFrom('delete', 'huge', 'binary', 'dir', 'link', 'garbage', 'markers'),
    garbage: fc.string({ maxLength: 200 }),
  }),
);

function apply(dir: string, m: fc.Arbitrary<unknown> extends never ? never : any): void {
  const idx = join(dir, 'index.json');
  if (m.kind === 'field') writeFileSync(idx, JSON.stringify(setAt(index, m.path, m.value, m.remove), null, 2));
  else if (m.kind === 'text') {
    const t = readFileSync(idx, 'utf8');
    const at = m.at % (t.length + 1);
    writeFileSync(idx, t.slice(0, at) + m.insert + t.slice(at + m.len));
  } else {
    const f = join(dir, m.file);
    rmSync(f, { recursive: true, force: true });
    if (m.how === 'huge') writeFileSync(f, 'x'.repeat(MAX_FILE_BYTES + 1));
    else if (m.how === 'binary') writeFileSync(f, Buffer.from([0x23, 0x00, 0xff, 0xfe, 0x00]));
    else if (m.how === 'dir') mkdirSync(f, { recursive: true });
    else if (m.how === 'link') symlinkSync(join(work, 'secret.md'), f);
    else if (m.how === 'garbage') writeFileSync(f, m.garbage);
    else if (m.how === 'markers')
      writeFileSync(f, `## Not a step {#step1}\n\`\`\`\nunclosed {{exec}}\n\`x\`{{copy}}{{exec interrupt}} {{ }} {{TRAFFIC_HOST1_80}}\n${m.garbage}`);
  }
}

// every problem names a file of the scenario and a line: "/…/scenario/file:LINE: message"
function namesFileAndLine(problem: string, scenario: string): boolean {
  const m = /^(.+?):(\d+): \S/.exec(problem);
  return !!m && m[1].startsWith(scenario + sep) && Number(m[2]) >= 1;
}

describe('Killercoda import fuzzing', () => {
  let n = 0;
  it(
    `${CASES} mutated scenarios: a lab or problems naming file and line, never a crash or a file from outside`,
    () => {
      fc.assert(
        fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms) => {
          const dir = join(work, `s${n}`, 'scenario');
          const out = join(work, `s${n++}`, 'out');
          cpSync(SAMPLE, dir, { recursive: true });
          for (const m of ms) apply(dir, m);
          const [r] = importScenarios(dir, out);
          if (r.errors.length) {
            for (const e of r.errors) expect(namesFileAndLine(e, dir), e).toBe(true);
          } else {
            // imported: the lab loads, and it holds nothing from outside the scenario
            expect(loadLab(r.dir!).id).toBe(r.id);
            const walk = (d: string): string[] =>
              readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
            for (const f of walk(r.dir!)) expect(readFileSync(f, 'utf8')).not.toContain(SECRET);
          }
          for (const e of lintLabs(dir).errors) expect(/^.+?:\d+: \S/.test(e), e).toBe(true);
          rmSync(join(work, `s${n - 1}`), { recursive: true, force: true });
        }),
        { numRuns: CASES, seed: SEED },
      );
    },
    Math.max(120_000, CASES * 500),
  );

  it('refuses step paths that leave the folder, and says which field on which line', () => {
    const dir = join(work, 'traversal');
    cpSync(SAMPLE, dir, { recursive: true });
    const bad = structuredClone(index);
    bad.details.steps[1].text = '../../etc/passwd';
    bad.details.steps[2].verify = '/etc/passwd';
    writeFileSync(join(dir, 'index.json'), JSON.stringify(bad, null, 2));
    const [r] = importScenarios(dir, join(work, 'traversal-out'));
    expect(r.id).toBeUndefined();
    const lines = readFileSync(join(dir, 'index.json'), 'utf8').split('\n');
    const lineOf = (s: string) => lines.findIndex((l) => l.includes(s)) + 1;
    expect(r.errors).toContain(
      `${join(dir, 'index.json')}:${lineOf('../../etc/passwd')}: "../../etc/passwd" is outside the scenario folder: refused (paths must stay inside ${dir})`,
    );
    expect(r.errors).toContain(
      `${join(dir, 'index.json')}:${lineOf('"/etc/passwd"')}: "/etc/passwd" is outside the scenario folder: refused (paths must stay inside ${dir})`,
    );
    expect(existsSync(join(work, 'traversal-out', 'kc-traversal'))).toBe(false);
  });

  it('names the line of a JSON syntax error and of a value of the wrong type', () => {
    const dir = join(work, 'broken');
    cpSync(SAMPLE, dir, { recursive: true });
    const file = join(dir, 'index.json');
    const lineOf = (s: string) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes(s)) + 1;
    const text = readFileSync(join(SAMPLE, 'index.json'), 'utf8');
    writeFileSync(file, text.replace('"step2/verify.sh" }', '"step2/verify.sh" },,'));
    const [syntax] = importScenarios(dir, join(work, 'broken-out'));
    expect(syntax.errors).toEqual([`${file}:${lineOf('},,')}: invalid JSON (column 103): expected a value, found ","`]);
    const bad = structuredClone(index);
    bad.details.steps = { step1: 'step1/text.md' };
    writeFileSync(file, JSON.stringify(bad, null, 2));
    const [types] = importScenarios(dir, join(work, 'broken-out'));
    expect(types.errors).toEqual([`${file}:${lineOf('"steps"')}: "steps" must be a list`]);
  });
});
