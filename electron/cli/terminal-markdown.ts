// Lab Markdown for a terminal (`kubelab lab show`): headings in bold, code blocks indented in colour with their
// run/copy marks dropped, inline code coloured, paragraphs joined as a reader sees them — without a space at a soft
// break between two CJK characters. Colour only on a TTY and without NO_COLOR.
const CJK = /[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uff00-\uffef]/;

export interface Style {
  bold(s: string): string;
  code(s: string): string;
  dim(s: string): string;
}
const sgr = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;
export const ANSI: Style = { bold: sgr(1, 22), code: sgr(36, 39), dim: sgr(2, 22) };
export const PLAIN: Style = { bold: (s) => s, code: (s) => s, dim: (s) => s };

export function terminalStyle(stream: { isTTY?: boolean }): Style {
  return stream.isTTY && !process.env.NO_COLOR ? ANSI : PLAIN;
}

function inline(s: string, st: Style): string {
  return s
    .split(/(`[^`]+`)/g)
    .map((p) =>
      p.length > 1 && p.startsWith('`') && p.endsWith('`')
        ? st.code(p.slice(1, -1))
        : p.replace(/\*\*([^*]+)\*\*/g, (_, b: string) => st.bold(b)).replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, '$1 <$2>'),
    )
    .join('');
}

function join(lines: string[]): string {
  return lines.reduce((acc, l) => (!acc ? l : CJK.test(acc.slice(-1)) && CJK.test(l[0] ?? '') ? acc + l : `${acc} ${l}`), '');
}

export function renderMarkdown(src: string, st: Style = PLAIN): string {
  const lines = src.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let para: string[] = [];
  const flush = () => {
    if (para.length) out.push(inline(join(para), st), '');
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^\s*```/.test(line)) {
      flush();
      for (i++; i < lines.length && !/^\s*```/.test(lines[i]); i++) out.push(`    ${st.code(lines[i])}`);
      out.push('');
      continue;
    }
    const h = /^(#{1,4})\s+(.*?)\s*(\{#[^}]*\})?\s*$/.exec(line);
    if (h) {
      flush();
      out.push(st.bold(inline(h[2], st)), '');
      continue;
    }
    const li = /^\s*([-*]|\d+\.)\s+(.*)$/.exec(line);
    if (li) {
      flush();
      out.push(`  ${/\d/.test(li[1]) ? li[1] : '•'} ${inline(li[2], st)}`);
      if (!/^\s*([-*]|\d+\.)\s+/.test(lines[i + 1] ?? '')) out.push('');
      continue;
    }
    if (!line.trim()) {
      flush();
      continue;
    }
    para.push(line.trim());
  }
  flush();
  while (out.length && out[out.length - 1] === '') out.pop();
  return out.join('\n');
}
