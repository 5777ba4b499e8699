// Where a JSON text first goes wrong, as line and column: JSON.parse says only "Unexpected token" on some Node
// versions (and quotes the text around it, newlines included), so a teacher could not find the spot.
export interface JsonSyntaxError {
  line: number;
  column: number;
  message: string;
}

export function findJsonError(text: string): JsonSyntaxError | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch {
    /* locate it below */
  }
  let i = 0;
  const fail = (what: string): never => {
    throw Object.assign(new Error(what), { at: i });
  };
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  };
  const show = () => (i >= text.length ? 'the end of the file' : JSON.stringify(text[i]));
  const value = (depth: number): void => {
    if (depth > 512) fail('nested too deeply');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail(`expected a "quoted" key, found ${show()}`);
        string();
        ws();
        if (text[i] !== ':') fail(`expected ":" after the key, found ${show()}`);
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail(`expected "," or "}", found ${show()}`);
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value(depth + 1);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail(`expected "," or "]", found ${show()}`);
      }
    }
    if (c === '"') return string();
    const lit = /^(true|false|null|-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (!lit) fail(`expected a value, found ${show()}`);
    i += lit![0].length;
  };
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
        if (!/^(["\\/bfnrt]|u[0-9a-fA-F]{4})/.test(text.slice(i + 1, i + 6))) fail('an invalid escape in a string');
        i += text[i + 1] === 'u' ? 6 : 2;
      } else if (text.charCodeAt(i) < 0x20) fail('a control character (a line break?) inside a string');
      else i++;
    }
    if (i >= text.length) fail('a string that never ends');
    i++;
  };
  let message = 'not valid JSON';
  try {
    value(0);
    ws();
    if (i < text.length) fail(`unexpected ${show()} after the end of the JSON value`);
  } catch (err) {
    message = (err as Error).message;
  }
  const before = text.slice(0, Math.min(i, text.length)).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1, message };
}
