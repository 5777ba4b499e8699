/** tar option letters that take the next argument (old-style bundles like `cf x` and `-cf x` alike) */
const TAKES_ARG = new Set(['f', 'C', 'T', 'X', 'b', 'K', 'N', 'V', 'g', 'L']);
const LONG_WITH_ARG = new Set(['--file', '--directory', '--files-from', '--exclude-from', '--blocking-factor']);

export interface TarArgs {
  options: string[];
  operands: string[];
  create: boolean;
}

/** splits a tar command line into its options (with their arguments) and its member operands */
export function parseTarArgs(args: string[]): TarArgs {
  const options: string[] = [];
  const operands: string[] = [];
  let create = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const bundle = i === 0 && !a.startsWith('-') ? a : /^-[^-]/.test(a) ? a.slice(1) : undefined;
    if (bundle !== undefined) {
      options.push(a);
      for (const ch of bundle) {
        if (ch === 'c') create = true;
        if (TAKES_ARG.has(ch) && i + 1 < args.length) options.push(args[++i]);
      }
      continue;
    }
    if (a.startsWith('--')) {
      options.push(a);
      if (a === '--create') create = true;
      if (LONG_WITH_ARG.has(a) && i + 1 < args.length) options.push(args[++i]);
      continue;
    }
    operands.push(a);
  }
  return { options, operands, create };
}

/**
 * GNU and busybox tar store `/etc/x` as `etc/x` and say so on stderr; kubectl cp out of a pod relies on it
 * (an archive member with a leading / reads as "tar contents corrupted"). Returns the arguments that archive
 * the same files under relative names, and whether any name lost its leading slash.
 */
export function stripLeadingSlash(args: string[]): { args: string[]; stripped: boolean } {
  const t = parseTarArgs(args);
  const absolute = t.operands.filter((o) => o.startsWith('/'));
  if (!t.create || !absolute.length) return { args, stripped: false };
  const relative = t.operands.filter((o) => !o.startsWith('/'));
  const rel = absolute.map((o) => o.replace(/^\/+/, '') || '.');
  return { args: [...t.options, ...relative, '-C', '/', ...rel], stripped: true };
}
