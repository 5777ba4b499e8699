// A deliberately small Markdown reader for lab text: headings, paragraphs, lists and fenced code blocks.
// Inline HTML is escaped, never interpreted, so lab text cannot inject markup into the app.
export type Block =
  | { type: 'heading'; level: number; html: string }
  | { type: 'para'; html: string }
  | { type: 'list'; ordered: boolean; items: string[] }
  /** mode from the fence's info string (```bash run / copy / show); undefined when not given */
  | { type: 'code'; lang: string; code: string; mode?: 'run' | 'copy' | 'show' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function inline(s: string): string {
  const parts = s.split(/(`[^`]+`)/g);
  return parts
    .map((p) => {
      if (p.startsWith('`') && p.endsWith('`') && p.length > 1) return `<code>${escapeHtml(p.slice(1, -1))}</code>`;
      return escapeHtml(p)
        .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
        .replace(/(^|[^*])\*([^*]+)\*/g, '$1<em>$2</em>')
        .replace(/\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g, '<a href="$2" target="_blank" rel="noopener noreferrer">$1</a>');
    })
    .join('');
}

/** CJK ideographs, kana, Hangul and full-width punctuation: written without spaces between them */
const CJK = /[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uff00-\uffef]/;

/** a paragraph's lines joined as a browser would show them, except that a soft break between two CJK characters
 *  adds no space (CSS would, and "容器\n运行" must read 容器运行) */
export function joinSoftBreaks(lines: string[]): string {
  return lines.reduce((acc, l) => (!acc ? l : CJK.test(acc.slice(-1)) && CJK.test(l[0] ?? '') ? acc + l : `${acc} ${l}`), '');
}

export function parseMarkdown(src: string): Block[] {
  const lines = src.replace(/\r\n?/g, '\n').split('\n');
  const out: Block[] = [];
  let para: string[] = [];
  const flush = () => {
    if (para.length) out.push({ type: 'para', html: inline(joinSoftBreaks(para)) });
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = /^\s*```\s*([^\n]*)$/.exec(line);
    if (fence) {
      flush();
      const code: string[] = [];
      for (i++; i < lines.length && !/^\s*```/.test(lines[i]); i++) code.push(lines[i]);
      const info = fence[1].trim().split(/\s+/).filter(Boolean);
      const mode = (['run', 'copy', 'show'] as const).find((m) => info.includes(m));
      const lang = info.find((w) => !['run', 'copy', 'show'].includes(w)) ?? 'text';
      out.push(mode ? { type: 'code', lang, code: code.join('\n'), mode } : { type: 'code', lang, code: code.join('\n') });
      continue;
    }
    const h = /^(#{1,4})\s+(.*)$/.exec(line);
    if (h) {
      flush();
      out.push({ type: 'heading', level: h[1].length, html: inline(h[2]) });
      continue;
    }
    const li = /^\s*([-*]|\d+\.)\s+(.*)$/.exec(line);
    if (li) {
      flush();
      const ordered = /\d/.test(li[1]);
      const last = out[out.length - 1];
      if (last?.type === 'list' && last.ordered === ordered) last.items.push(inline(li[2]));
      else out.push({ type: 'list', ordered, items: [inline(li[2])] });
      continue;
    }
    if (!line.trim()) {
      flush();
      continue;
    }
    para.push(line.trim());
  }
  flush();
  return out;
}

/** the commands of a shell block, one per logical line (comments and prompts removed) */
export function commandsOf(code: string): string {
  return code
    .split('\n')
    .map((l) => l.replace(/^\s*\$\s+/, ''))
    .filter((l) => l.trim() && !l.trim().startsWith('#'))
    .join('\n');
}
