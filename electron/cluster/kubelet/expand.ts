// $(VAR) references in command, args and env values, with the kubelet's rules: `$$` escapes a dollar,
// an unknown or unterminated reference stays as written.
export function expandVars(input: string, lookup: (name: string) => string | undefined): string {
  if (!input.includes('$')) return input;
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (ch !== '$' || i + 1 >= input.length) {
      out += ch;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i++;
      continue;
    }
    if (next !== '(') {
      out += ch;
      continue;
    }
    const close = input.indexOf(')', i + 2);
    if (close < 0) {
      out += input.slice(i);
      break;
    }
    const name = input.slice(i + 2, close);
    const v = lookup(name);
    out += v === undefined ? `$(${name})` : v;
    i = close;
  }
  return out;
}
