// Loads labs/<id>/lab.yaml with its en.md and zh.md, validating everything and naming file:line for each problem.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve, isAbsolute, relative } from 'node:path';
import YAML from 'yaml';
import { LabError, Problems, YNodeReader, parseManifests } from './yaml-reader';
import { parseLabMarkdown, type MdDoc } from './markdown';
import { drawValues, readParameters, substitute, unknownPlaceholders } from './parameters';
import { LANGS, type Action, type Check, type EventAfter, type Lab, type Lang, type NearMiss, type PodPick, type Step, type Text } from './types';

export { LabError } from './yaml-reader';

const CHECK_KINDS = ['assert', 'error', 'exec', 'canI', 'connect', 'event', 'podNode', 'admit', 'script'] as const;
const ACTION_KINDS = ['apply', 'delete', 'run', 'exec', 'wait'] as const;

/** loads one lab directory; throws LabError listing every problem as "file:line: message" */
export function loadLab(dir: string, seed?: string): Lab {
  const { lab, problems } = readLab(dir, seed);
  if (problems.length || !lab) throw new LabError(problems.join('\n'));
  return lab;
}

/** like loadLab, but returns the problems instead of throwing (used by lint) */
export function readLab(dir: string, seed = process.env.KUBELAB_SEED ?? 'default'): { lab?: Lab; problems: string[] } {
  const p = new Problems();
  const file = join(dir, 'lab.yaml');
  if (!existsSync(file)) return { problems: [`${file}: missing (a lab directory needs lab.yaml)`] };
  const raw = readFileSync(file, 'utf8');
  // parameters are read first (with every {{name}} standing for itself), then the file is read again with the drawn values
  // the file must be YAML before substitution too (editors, tools): a {{…}} starting a plain value in a flow map is not
  const rawProblems = new Problems();
  YNodeReader.parse(file, raw, rawProblems);
  for (const r of rawProblems.list.slice(0, 3))
    p.add(r.split(': ')[0], `${r.slice(r.indexOf(': ') + 2)} (before parameters are substituted: quote values that hold {{…}})`);
  const parameters = readParameters(YNodeReader.parse(file, substitute(raw, null), new Problems()).get('parameters'), p);
  const values = drawValues(parameters, seed, /^id:\s*(\S+)/m.exec(raw)?.[1] ?? dir);
  const text = substitute(raw, values);
  text.split('\n').forEach((line, i) => {
    for (const u of unknownPlaceholders(line)) p.add(`${file}:${i + 1}`, `{{${u}}} is not a declared parameter`);
  });
  const root = YNodeReader.parse(file, text, p);
  if (!root.isMap()) {
    root.fail('lab.yaml must be a mapping');
    return { problems: p.list };
  }
  const known = [
    'id',
    'chapter',
    'title',
    'summary',
    'minutes',
    'difficulty',
    'namespace',
    'namespaces',
    'cluster',
    'tools',
    'parameters',
    'setup',
    'steps',
    'cleanup',
  ];
  known.push('source'); // a lab converted by `kubelab lab import` says where it came from
  for (const k of root.keys()) if (!known.includes(k)) root.get(k).fail(`unknown field "${k}" (known: ${known.join(', ')})`);

  const id = root.str('id') ?? '';
  if (id && !/^[a-z0-9][a-z0-9-]*$/.test(id)) root.get('id').fail('id must be lowercase letters, digits and dashes');
  const chapter = root.num('chapter') ?? 0;
  const difficulty = root.str('difficulty') ?? 'beginner';
  if (!['beginner', 'intermediate', 'advanced'].includes(difficulty)) root.get('difficulty').fail('difficulty must be beginner, intermediate or advanced');
  const source = root.str('source', false);
  if (source !== undefined && source !== 'killercoda') root.get('source').fail('source must be killercoda (a lab converted by kubelab lab import)');
  const nsNode = root.get('namespaces');
  const namespaces: string[] = nsNode.present ? (nsNode.js() ?? []).map(String) : root.get('namespace').present ? [root.str('namespace')!] : [];
  if (!namespaces.length) root.fail('"namespace" is required (each lab works in its own namespace, e.g. lab-07)');

  const cl = root.get('cluster');
  const configFile = cl.str('config', false);
  if (configFile && !existsSync(join(dir, configFile))) cl.get('config').fail(`topology file ${configFile} not found in ${dir}`);
  const cluster = {
    configFile: configFile ? resolve(dir, configFile) : undefined,
    minNodes: cl.num('nodes', false),
    runtimeHandlers: cl.get('runtimeHandlers').js() as string[] | undefined,
    resources: cl.get('resources').js() as string[] | undefined,
  };

  const toolsNode = root.get('tools');
  const tools: string[] = toolsNode.present ? (toolsNode.js() ?? []) : [];
  if (!Array.isArray(tools) || tools.some((t) => typeof t !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(t)))
    toolsNode.fail('tools must be a list of program names, e.g. [helm]');

  const md: Partial<Record<Lang, MdDoc>> = {};
  const mdFile = (l: Lang) => join(dir, `${l}.md`);
  for (const l of LANGS) {
    if (!existsSync(mdFile(l))) p.add(mdFile(l), 'missing (every lab ships English and Simplified Chinese text)');
    else md[l] = parseLabMarkdown(substitute(readFileSync(mdFile(l), 'utf8'), values));
  }

  const steps: Step[] = [];
  const stepNodes = root.seq('steps', true);
  const seen = new Set<string>();
  for (const s of stepNodes) {
    const sid = s.str('id') ?? '';
    if (seen.has(sid)) s.get('id').fail(`duplicate step id "${sid}"`);
    seen.add(sid);
    const title = {} as Text,
      text = {} as Text,
      blocks = {} as Step['blocks'];
    for (const l of LANGS) {
      const sec = md[l]?.sections.find((x) => x.id === sid);
      if (md[l] && !sec) s.get('id').fail(`step "${sid}" has no section "## … {#${sid}}" in ${mdFile(l)}`);
      title[l] = sec?.title ?? sid;
      text[l] = sec?.body ?? '';
      blocks[l] = sec?.blocks ?? [];
    }
    // a converted scenario's step without a verify script passes as it is (Killercoda's Next button)
    const checkNodes = s.seq('checks', !source);
    if (!checkNodes.length && s.get('checks').present) s.get('checks').fail('a step needs at least one check');
    const checks = checkNodes.map((c) => readCheck(c, dir)).filter(Boolean) as Check[];
    const hints = s
      .seq('hints')
      .map((h) => readText(h, 'hint'))
      .filter(Boolean) as Text[];
    // a converted scenario has a solution only where its text had commands to run
    const actions = s
      .seq('solution', !source)
      .map((a) => readAction(a, dir, p))
      .filter(Boolean) as Action[];
    const nearMisses = s
      .seq('nearMisses')
      .map((n) => readNearMiss(n, dir, p))
      .filter(Boolean) as NearMiss[];
    const lintWaivers = readWaivers(s.get('lint'));
    steps.push({ id: sid, title, text, blocks, checks, hints, solution: { text: solutionText(actions), actions }, nearMisses, lintWaivers });
  }
  for (const l of LANGS) {
    for (const sec of md[l]?.sections ?? [])
      if (!seen.has(sec.id)) p.add(`${mdFile(l)}:${sec.line}`, `section {#${sec.id}} does not match any step id in lab.yaml`);
  }

  const lab: Lab = {
    id,
    dir: resolve(dir),
    chapter,
    difficulty: difficulty as Lab['difficulty'],
    namespaces,
    cluster,
    tools: Array.isArray(tools) ? tools : [],
    title: readText(root.get('title'), 'title') ?? { en: id, zh: id },
    summary: readText(root.get('summary'), 'summary') ?? { en: '', zh: '' },
    intro: { en: md.en?.intro ?? '', zh: md.zh?.intro ?? '' },
    minutes: root.num('minutes') ?? 0,
    setup: root
      .seq('setup')
      .map((a) => readAction(a, dir, p))
      .filter(Boolean) as Action[],
    steps,
    cleanup: root
      .seq('cleanup')
      .map((a) => readAction(a, dir, p))
      .filter(Boolean) as Action[],
    parameters,
    values,
    seed,
    ...(source ? { source: 'killercoda' as const } : {}),
  };
  return { lab: p.list.length ? undefined : lab, problems: p.list };
}

/** every lab directory (one holding a lab.yaml) at a root, below it, or one level further down (packs of labs) */
export function findLabDirs(root: string, depth = 2): string[] {
  if (!existsSync(root) || !statSync(root).isDirectory()) return [];
  if (existsSync(join(root, 'lab.yaml'))) return [root];
  if (depth === 0) return [];
  return readdirSync(root)
    .sort()
    .map((n) => join(root, n))
    .filter((d) => statSync(d).isDirectory())
    .flatMap((d) => findLabDirs(d, depth - 1));
}

function readText(n: YNodeReader, what: string): Text | undefined {
  if (!n.present) {
    n.fail(`${what} is required in English and Chinese ({en: …, zh: …})`);
    return undefined;
  }
  const v = n.js();
  if (typeof v !== 'object' || v === null) {
    n.fail(`${what} must be a mapping with "en" and "zh"`);
    return undefined;
  }
  for (const l of LANGS) if (typeof v[l] !== 'string' || !v[l].trim()) n.fail(`${what} needs a non-empty "${l}" text`);
  return { en: String(v.en ?? ''), zh: String(v.zh ?? '') };
}

export function parseDuration(v: unknown): number | undefined {
  if (typeof v === 'number') return v * 1000;
  const m = typeof v === 'string' ? /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(v.trim()) : null;
  if (!m) return undefined;
  return Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 's' ? 1000 : 60_000);
}

function which<T extends string>(n: YNodeReader, kinds: readonly T[], what: string): T | undefined {
  const found = n.keys().filter((k) => (kinds as readonly string[]).includes(k)) as T[];
  if (found.length !== 1) {
    n.fail(`a ${what} needs exactly one of ${kinds.join(', ')}${found.length ? ` (found ${found.join(', ')})` : ''}`);
    return undefined;
  }
  return found[0];
}

function readPick(n: YNodeReader): PodPick | undefined {
  const pick: PodPick = {
    namespace: n.str('namespace', false),
    pod: n.str('pod', false),
    selector: n.str('selector', false),
    container: n.str('container', false),
  };
  if (!pick.pod && !pick.selector) {
    n.fail('name the pod with "pod" or "selector"');
    return undefined;
  }
  return pick;
}

function readCommand(n: YNodeReader): string[] {
  const v = n.get('command').js();
  if (typeof v === 'string') return ['sh', '-c', v];
  if (Array.isArray(v) && v.length) return v.map(String);
  n.fail('"command" must be a string (run with sh -c) or a list');
  return [];
}

function readCheck(c: YNodeReader, dir: string): Check | undefined {
  const kind = which(c, CHECK_KINDS, 'check');
  if (!kind) return undefined;
  const body = c.get(kind);
  const timeoutRaw = c.get('timeout').js();
  const timeoutMs = timeoutRaw === undefined ? undefined : parseDuration(timeoutRaw);
  if (timeoutRaw !== undefined && timeoutMs === undefined) c.get('timeout').fail('timeout must look like 30s, 2m or 500ms');
  const message = c.get('message').present ? readText(c.get('message'), 'message') : undefined;
  const base = { where: c.where, timeoutMs, message };
  switch (kind) {
    case 'assert':
    case 'error': {
      const o = body.js();
      if (!o || typeof o !== 'object' || !o.apiVersion || !o.kind) {
        body.fail(`${kind} needs an object with apiVersion and kind`);
        return undefined;
      }
      return { type: kind, object: o, selector: c.str('selector', false), ...base };
    }
    case 'exec': {
      const target = readPick(body);
      const expect = body.get('expect').js() ?? {};
      const rec = expect.recorded;
      if (rec !== undefined && (typeof rec?.configMap !== 'string' || typeof rec?.key !== 'string'))
        body.get('expect').fail('expect.recorded needs {configMap: NAME, key: KEY}');
      const recorded =
        typeof rec?.configMap === 'string' && typeof rec?.key === 'string' ? { configMap: rec.configMap, key: rec.key, namespace: rec.namespace } : undefined;
      return target
        ? {
            type: 'exec',
            target,
            command: readCommand(body),
            expect: { exitCode: expect.exitCode, stdout: expect.stdout, stderr: expect.stderr, recorded },
            ...base,
          }
        : undefined;
    }
    case 'canI': {
      const exp = body.get('expect').js();
      const expectBool = exp === true || exp === 'yes' ? true : exp === false || exp === 'no' ? false : undefined;
      if (expectBool === undefined) body.fail('canI.expect must be yes or no');
      if (!body.str('user', false) && !body.str('serviceAccount', false)) body.fail('canI needs "user" or "serviceAccount" (namespace/name)');
      return {
        type: 'canI',
        user: body.str('user', false),
        groups: body.get('groups').js(),
        serviceAccount: body.str('serviceAccount', false),
        verb: body.str('verb') ?? '',
        resource: body.str('resource') ?? '',
        group: body.str('group', false),
        subresource: body.str('subresource', false),
        namespace: body.str('namespace', false),
        name: body.str('name', false),
        expect: expectBool ?? true,
        ...base,
      };
    }
    case 'connect': {
      const from = readPick(body.get('from'));
      const toNode = body.get('to');
      // a pod as the target ({pod|selector, namespace, port}) is reached by its pod IP, which no lab can know ahead
      const toPod = toNode.isMap() ? readPick(toNode) : undefined;
      const toPort = toNode.isMap() ? Number(toNode.get('port').js()) : undefined;
      if (toNode.isMap() && !(Number.isInteger(toPort) && toPort! >= 1 && toPort! <= 65535)) toNode.get('port').fail('"port" must be a number from 1 to 65535');
      const m = toNode.isMap() ? ['', '', String(toPort)] : /^(.+):(\d+)$/.exec(body.str('to') ?? '');
      if (!m) toNode.fail('"to" must be host:port or {pod|selector, port}');
      const expect = body.str('expect') ?? '';
      if (expect !== 'allowed' && expect !== 'denied') body.fail('connect.expect must be allowed or denied');
      const protocol = (body.str('protocol', false) ?? 'tcp') as 'tcp' | 'http';
      return from && m
        ? { type: 'connect', from, host: m[1], port: Number(m[2]), toPod, protocol, expect: expect as 'allowed' | 'denied', ...base }
        : undefined;
    }
    case 'podNode': {
      const target = readPick(body);
      const node = body.get('node').js();
      if (!node || typeof node !== 'object' || Array.isArray(node)) {
        body.fail('podNode needs "node": an assertion tree for the node the pod runs on');
        return undefined;
      }
      return target ? { type: 'podNode', target, node, ...base } : undefined;
    }
    case 'admit': {
      const o = body.get('object').js();
      if (!o || typeof o !== 'object' || !o.apiVersion || !o.kind || !o.metadata?.name) {
        body.fail('admit needs "object": a manifest with apiVersion, kind and metadata.name');
        return undefined;
      }
      const exp = body.get('expect');
      const allowed = exp.get('allowed').js();
      if (typeof allowed !== 'boolean') {
        exp.fail('admit.expect needs "allowed": true or false');
        return undefined;
      }
      const message = exp.str('message', false);
      const rawWarning = exp.get('warning').js();
      if (rawWarning !== undefined && rawWarning !== false && typeof rawWarning !== 'string')
        exp.get('warning').fail('"warning" must be a regular expression, or false for "no warning"');
      const warning = typeof rawWarning === 'string' || rawWarning === false ? rawWarning : undefined;
      for (const [k, re] of Object.entries({ message, warning }))
        if (typeof re === 'string' && !validRegExp(re)) exp.get(k).fail(`${k} must be a regular expression`);
      if (allowed && message !== undefined) exp.get('message').fail('"message" is the denial\'s: with allowed: true match warnings with "warning"');
      return { type: 'admit', object: o, expect: { allowed, message, warning }, ...base };
    }
    case 'script': {
      const file = body.js();
      const abs = typeof file === 'string' ? resolve(dir, file) : '';
      if (typeof file !== 'string' || !file.trim()) body.fail('script needs the path of a shell script in the lab folder');
      else if (isAbsolute(file) || relative(resolve(dir), abs).startsWith('..')) body.fail(`script ${file} must be a path inside the lab folder`);
      else if (!existsSync(abs) || !statSync(abs).isFile()) body.fail(`script ${file} not found in ${dir}`);
      else return { type: 'script', file: abs, ...base };
      return undefined;
    }
    case 'event':
      return {
        type: 'event',
        namespace: body.str('namespace', false),
        reason: body.str('reason') ?? '',
        involvedObject: { kind: body.str('kind', false), name: body.str('name', false) },
        messagePattern: body.str('message', false),
        after: readEventAfter(body.get('after')),
        ...base,
      };
  }
}

function readEventAfter(n: YNodeReader): EventAfter | undefined {
  if (!n.present) return undefined;
  const known = ['apiVersion', 'kind', 'name', 'namespace', 'selector', 'time', 'seconds', 'what'];
  for (const k of n.keys()) if (!known.includes(k)) n.get(k).fail(`unknown field "${k}" in event.after (known: ${known.join(', ')})`);
  const seconds = n.get('seconds').js();
  if (typeof seconds !== 'number' || !(seconds >= 0)) n.get('seconds').fail('event.after.seconds must be a number of seconds ≥ 0');
  if (!n.str('name', false) && !n.str('selector', false)) n.fail('event.after needs "name" or "selector" to find the object');
  const what = readText(n.get('what'), 'event.after.what');
  const apiVersion = n.str('apiVersion'),
    kind = n.str('kind'),
    time = n.str('time');
  if (!apiVersion || !kind || !time || !what || typeof seconds !== 'number') return undefined;
  return { apiVersion, kind, name: n.str('name', false), namespace: n.str('namespace', false), selector: n.str('selector', false), time, seconds, what };
}

function validRegExp(re: string): boolean {
  try {
    new RegExp(re);
    return true;
  } catch {
    return false;
  }
}

function readNearMiss(n: YNodeReader, dir: string, p: Problems): NearMiss | undefined {
  for (const k of n.keys())
    if (!['mistake', 'do', 'undo', 'settle'].includes(k)) n.get(k).fail(`unknown near-miss field "${k}" (known: mistake, do, undo, settle)`);
  const mistake = readText(n.get('mistake'), 'a near-miss "mistake"');
  const actions = n
    .seq('do', true)
    .map((a) => readAction(a, dir, p))
    .filter(Boolean) as Action[];
  const undo = n
    .seq('undo')
    .map((a) => readAction(a, dir, p))
    .filter(Boolean) as Action[];
  const settleRaw = n.get('settle').js();
  const settleMs = settleRaw === undefined ? 0 : parseDuration(settleRaw);
  if (settleMs === undefined) n.get('settle').fail('settle must look like 5s or 500ms');
  return mistake ? { mistake, actions, undo, settleMs: settleMs ?? 0, where: n.where } : undefined;
}

/** `lint: {rule: why}` on a step: a finding the author has considered and accepts, with the reason */
function readWaivers(n: YNodeReader): Record<string, string> {
  if (!n.present) return {};
  const v = n.js();
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    n.fail('lint must map rule ids to the reason the finding is accepted');
    return {};
  }
  for (const [k, why] of Object.entries(v))
    if (typeof why !== 'string' || why.trim().length < 10) n.get(k).fail(`lint waiver "${k}" needs a reason (a sentence)`);
  return Object.fromEntries(Object.entries(v).map(([k, why]) => [k, String(why)]));
}

function readAction(a: YNodeReader, dir: string, p: Problems): Action | undefined {
  const kind = which(a, ACTION_KINDS, 'setup/solution/cleanup action');
  if (!kind) return undefined;
  const body = a.get(kind);
  switch (kind) {
    case 'apply': {
      const v = body.js();
      let manifests: Record<string, unknown>[] = [];
      if (typeof v === 'string' && !v.includes('\n') && /\.ya?ml$/.test(v.trim())) {
        const f = isAbsolute(v) ? v : join(dir, v.trim());
        if (!existsSync(f)) {
          body.fail(`manifest file ${v} not found`);
          return undefined;
        }
        manifests = parseManifests(readFileSync(f, 'utf8'), f, p);
      } else if (typeof v === 'string') manifests = parseManifests(v, body.where, p);
      else if (Array.isArray(v)) manifests = v;
      else if (v && typeof v === 'object') manifests = [v];
      // a list item may be anything YAML allows (null, a string): each must be an object with apiVersion and kind
      const isManifest = (m: unknown) => !!m && typeof m === 'object' && !Array.isArray(m) && !!(m as any).apiVersion && !!(m as any).kind;
      if (!manifests.every(isManifest)) {
        body.fail('each manifest needs apiVersion and kind');
        return undefined;
      }
      return { type: 'apply', manifests, where: body.where };
    }
    case 'delete': {
      const v = body.js() ?? {};
      const text = (x: unknown) => typeof x === 'string' && x !== '';
      if (!text(v.apiVersion) || !text(v.kind) || !text(v.name)) {
        body.fail('delete needs apiVersion, kind and name (strings)');
        return undefined;
      }
      if (v.namespace !== undefined && v.namespace !== null && !text(v.namespace)) {
        body.fail('delete: namespace must be a string');
        return undefined;
      }
      return { type: 'delete', ref: { apiVersion: v.apiVersion, kind: v.kind, name: v.name, namespace: v.namespace }, where: body.where };
    }
    case 'run': {
      const v = body.js();
      if (typeof v !== 'string' || !v.trim()) {
        body.fail('run needs a shell script');
        return undefined;
      }
      return { type: 'run', script: v, where: body.where };
    }
    case 'exec': {
      const target = readPick(body);
      return target ? { type: 'exec', target, command: readCommand(body), where: body.where } : undefined;
    }
    case 'wait': {
      const checks = body.isSeq()
        ? (body
            .items()
            .map((c) => readCheck(c, dir))
            .filter(Boolean) as Check[])
        : [];
      if (!body.isSeq()) body.fail('wait takes a list of checks');
      const t = parseDuration(a.get('timeout').js() ?? '60s');
      return { type: 'wait', checks, timeoutMs: t ?? 60_000, where: body.where };
    }
  }
}

/** what the learner sees as the reference solution: the commands, with manifests inlined as heredocs */
function solutionText(actions: Action[]): Text {
  const parts: string[] = [];
  for (const a of actions) {
    if (a.type === 'run') parts.push(a.script.trim());
    else if (a.type === 'apply') parts.push(`kubectl apply -f - <<'EOF'\n${a.manifests.map((m) => stringifyYaml(m)).join('---\n')}EOF`);
    else if (a.type === 'delete') parts.push(`kubectl delete ${a.ref.kind.toLowerCase()} ${a.ref.name}${a.ref.namespace ? ` -n ${a.ref.namespace}` : ''}`);
    else if (a.type === 'exec')
      parts.push(
        `kubectl exec ${a.target.pod ?? `$(kubectl get pod -l ${a.target.selector} -o name${a.target.namespace ? ` -n ${a.target.namespace}` : ''} | head -1)`}${a.target.namespace ? ` -n ${a.target.namespace}` : ''} -- ${a.command.map(shq).join(' ')}`,
      );
  }
  const s = '```bash\n' + parts.join('\n\n') + '\n```';
  return { en: s, zh: s };
}

function shq(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function stringifyYaml(v: unknown): string {
  return YAML.stringify(v);
}
