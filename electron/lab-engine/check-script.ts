// A `script` check: a shell script of the lab (Killercoda's verify.sh) run as the student's terminal would run it;
// exit 0 passes and what it printed is the grader's message.
import { basename } from 'node:path';
import { runScript } from './run-script';
import type { CheckContext } from './checks';
import type { ScriptCheck } from './types';

/** one run may take this long; a check's own timeout only says how long to keep retrying */
const RUN_TIMEOUT_MS = 30_000;

export async function runScriptCheck(check: ScriptCheck, ctx: CheckContext): Promise<{ ok: boolean; message: string }> {
  if (!ctx.kubeconfig) throw new Error(`${basename(check.file)}: a script check needs the cluster's kubeconfig`);
  // run as a file, so bash's own errors name it and its line
  const out = await runScript(`bash '${check.file.replace(/'/g, `'\\''`)}'`, ctx.kubeconfig, ctx.namespace, RUN_TIMEOUT_MS, ctx.signal, {
    labDir: ctx.labDir,
    strict: false,
  });
  const said = clip(out.output);
  const name = basename(check.file);
  if (out.timedOut) return { ok: false, message: `${name} did not finish within ${RUN_TIMEOUT_MS / 1000}s${said ? `: ${said}` : ''}` };
  if (out.code === 0) return { ok: true, message: said || `${name} passed` };
  return { ok: false, message: said || `${name} exited with ${out.code}` };
}

function clip(s: string): string {
  const t = s.trim();
  return t.length > 500 ? `${t.slice(0, 500)}…` : t;
}
