import { DROP_LINE, type UserlandProfile } from './profiles';

/** How a shell words its own diagnostics, and builtins it patches in front of the engine's. */
export interface ShellDialect {
  name: 'ash' | 'dash' | 'bash';
  /** [pattern, replacement] for each stderr line the shell itself prints (after `bash:` became argv[0]) */
  messages: [RegExp, string][];
  /** shell code run before the script (engine builtins made to behave as this shell's) */
  prelude: string;
  /** the engine's messages (`bash: …`, or the shell's name) for errors after which this shell ends the script with status 2 */
  fatal: RegExp[];
}

/** starts a message our rewrites raise for an error that ends the script (removed before it is shown) */
export const FATAL_MARK = '\u0001';

// special builtins' and expansions' errors: fatal in a POSIX shell, a failed command in bash
const POSIX_FATAL = [/^\w+: \w+: unbound variable$/, /^\w+: \w+: readonly variable$/, /^\w+: division by 0$/, /^\w+: local: can only be used in a function$/];

// a failed cd is a usage error (status 2) in ash and dash; bash answers 1
const CD_STATUS_2 = 'cd() { builtin cd "$@" || return 2; }\n';
// every shell starts with IFS set to space, tab, newline (the engine leaves it empty when given a whole environment)
const DEFAULT_IFS = "IFS=' \t\n'\n";

const ASH: ShellDialect = {
  name: 'ash',
  // busybox ash counts its nesting in SHLVL, as bash does
  prelude: `${CD_STATUS_2}${DEFAULT_IFS}export SHLVL=$((\${SHLVL:-0} + 1))\n`,
  fatal: POSIX_FATAL,
  messages: [
    [/^(\w+): (.+): command not found$/, '$1: $2: not found'],
    [/^(\w+): ((?:\.{0,2}\/)\S*): No such file or directory$/, '$1: $2: not found'],
    [/^(\w+): cd: (.+): (No such file or directory|Not a directory|Permission denied)$/, "$1: cd: line 0: can't cd to $2: $3"],
    [/^(\w+): (\w+): readonly variable$/, '$1: $2: is read only'],
    [/^(\w+): division by 0$/, '$1: divide by zero'],
    [/^(\w+): exit: (.+): numeric argument required$/, '$1: exit: line 0: Illegal number: $2'],
    [/^(\w+): (.+): cannot overwrite existing file$/, "$1: can't create $2: File exists"],
    [/^(\w+): local: can only be used in a function$/, '$1: local: line 0: not in a function'],
    [/^(\w+): (\w+): unbound variable$/, '$1: $2: parameter not set'],
    [/^(\w+): shift: shift count out of range$/, DROP_LINE],
    // the echo builtin's failed write (the redirection itself opened)
    [/^(\w+): \S+: No space left on device$/, '$1: write error: No space left on device'],
    // `select` is no keyword here: its `do` is the first word out of place
    [/^(\w+): syntax error: Parse error at \d+:\d+: syntax error near unexpected token `select'$/, '$1: syntax error: unexpected "do"'],
  ],
};

const DASH: ShellDialect = {
  name: 'dash',
  prelude: CD_STATUS_2 + DEFAULT_IFS,
  fatal: [...POSIX_FATAL, /^\w+: shift: shift count out of range$/],
  messages: [
    [/^(\w+): (.+): command not found$/, '$1: 1: $2: not found'],
    [/^(\w+): ((?:\.{0,2}\/)\S*): No such file or directory$/, '$1: 1: $2: not found'],
    [/^(\w+): cd: (.+): (No such file or directory|Not a directory|Permission denied)$/, "$1: 1: cd: can't cd to $2"],
    [/^(\w+): (\w+): readonly variable$/, '$1: 1: $2: is read only'],
    [/^(\w+): division by 0$/, '$1: 1: arithmetic expression: division by zero: "$2"'],
    [/^(\w+): exit: (.+): numeric argument required$/, '$1: 1: exit: Illegal number: $2'],
    [/^(\w+): (.+): cannot overwrite existing file$/, '$1: 1: cannot create $2: File exists'],
    [/^(\w+): can't create (.+): nonexistent directory$/, '$1: 1: cannot create $2: Directory nonexistent'],
    [/^(\w+): can't kill pid \S+: No such process$/, '$1: 1: kill: No such process\n'],
    [/^(\w+): bad signal name '(.)(.*)'$/, '$1: 1: kill: Illegal option -$2'],
    [/^(\w+): local: can only be used in a function$/, '$1: 1: local: not in a function'],
    [/^(\w+): (\w+): unbound variable$/, '$1: 1: $2: parameter not set'],
    [/^(\w+): shift: shift count out of range$/, "$1: 1: shift: can't shift that many"],
    [/^(\w+): syntax error: Parse error at \d+:\d+: syntax error near unexpected token `select'$/, '$1: 1: Syntax error: "do" unexpected'],
  ],
};

const BASH: ShellDialect = { name: 'bash', prelude: DEFAULT_IFS, messages: [], fatal: [] };

/** the dialect of the shell named argv0 in an image with this profile */
export function shellDialect(argv0: string, p: UserlandProfile): ShellDialect {
  const name = argv0.split('/').pop();
  if (name === 'bash') return BASH;
  if (name === 'dash') return DASH;
  return p.dialect === 'dash' ? DASH : ASH;
}
