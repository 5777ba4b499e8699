import { defineCommand, type Command, type ExecResult } from 'just-bash';
import { rewrite, type UserlandProfile } from './profiles';

const reEscape = (s: string) => s.replace(/[.[\]\\*^$+?(){}|]/g, '\\$&');

/**
 * grep and awk in front of the engine's, for what every grep/awk does and the engine does not: several `-e`
 * patterns, `-H`; `-v OFS=…` (and other special variables) applying to rebuilt records, `systime()`. Diagnostics
 * then follow the image's rules.
 */
export function patternUtilities(p: UserlandProfile): Command[] {
  const finish = (name: string, r: ExecResult): ExecResult => {
    const rule = p.utilities[name];
    return rule
      ? { ...r, stdout: rewrite(r.stdout, rule.stdout, false), stderr: rewrite(r.stderr, rule.stderr, true), exitCode: rule.exit?.[r.exitCode] ?? r.exitCode }
      : r;
  };
  return [
    defineCommand('grep', async (args, ctx) => {
      const patterns: string[] = [];
      const rest: string[] = [];
      let withName = false;
      let mode: 'F' | 'E' | 'G' = 'G';
      let dd = false;
      for (let i = 0; i < args.length; i++) {
        const a = args[i];
        if (dd || !a.startsWith('-') || a === '-') rest.push(a);
        else if (a === '--') {
          dd = true;
          rest.push(a);
        } else if (a === '-e') patterns.push(args[++i] ?? '');
        else if (a.startsWith('-e') && !a.startsWith('--')) patterns.push(a.slice(2));
        else if (/^-[A-Za-z]+$/.test(a) && a.includes('H')) {
          withName = true;
          const left = a.replace(/H/g, '');
          if (left !== '-') rest.push(left);
        } else {
          if (/^-[A-Za-z]*F/.test(a)) mode = 'F';
          else if (/^-[A-Za-z]*E/.test(a)) mode = 'E';
          rest.push(a);
        }
      }
      let argv = patterns.length ? rest : args.filter((a) => a !== '-H');
      if (patterns.length === 1) argv = ['-e', patterns[0], ...rest];
      else if (patterns.length > 1) {
        // one alternation matches a line when any of the patterns does
        const alt = mode === 'G' ? patterns.map((x) => `\\(${x}\\)`).join('\\|') : patterns.map((x) => `(${mode === 'F' ? reEscape(x) : x})`).join('|');
        argv = [...rest.map((a) => (mode === 'F' && /^-[A-Za-z]*F/.test(a) ? a.replace('F', 'E') : a)), '-e', alt];
      }
      const counting = argv.some((a) => /^-[A-Za-z]*[clLqr]/.test(a));
      const operands = argv.filter((a, i) => !a.startsWith('-') && argv[i - 1] !== '-e');
      // a second file operand makes the engine name files; /dev/null adds no lines
      if (withName && !counting && operands.length === (patterns.length ? 1 : 2)) argv = [...argv, '/dev/null'];
      return finish('grep', await ctx.origCommand!(argv));
    }),
    defineCommand('awk', async (args, ctx) => {
      const begin: string[] = [];
      const argv: string[] = [];
      let program = false;
      for (let i = 0; i < args.length; i++) {
        const a = args[i];
        const v = a === '-v' ? args[i + 1] : a.startsWith('-v') ? a.slice(2) : undefined;
        if (!program && v !== undefined && /^(OFS|ORS|OFMT|CONVFMT|SUBSEP)=/.test(v)) {
          // the engine sets these only after the records are split: assign them in BEGIN instead
          const eq = v.indexOf('=');
          begin.push(`${v.slice(0, eq)}=${JSON.stringify(v.slice(eq + 1))}`);
          if (a === '-v') i++;
          continue;
        }
        if (!program && (a === '-v' || a === '-F' || a === '-f')) {
          argv.push(a, args[++i] ?? '');
          continue;
        }
        if (!program && !a.startsWith('-')) {
          program = true;
          const now = String(Math.floor(Date.now() / 1000));
          argv.push((begin.length ? `BEGIN{${begin.join(';')}}\n` : '') + a.replace(/\bsystime\(\s*\)/g, now));
          continue;
        }
        argv.push(a);
      }
      const r = await ctx.origCommand!(argv);
      // mawk cannot open an operand: a fatal error, status 2
      if (p.family === 'debian' && /^awk: \S.*: No such file or directory$/m.test(r.stderr))
        return { ...r, stderr: r.stderr.replace(/^awk: (\S.*): (No such file or directory)$/gm, 'awk: cannot open $1 ($2)'), exitCode: 2 };
      return finish('awk', r);
    }),
  ];
}
