// Splits a lab's en.md / zh.md into the intro and one section per step ("## Title {#step-id}"),
// and picks out the fenced code blocks marked `run` (send to the terminal) or `copy`.
import type { CodeBlock } from './types';

export interface MdSection {
  id: string;
  title: string;
  body: string;
  line: number;
  blocks: CodeBlock[];
}
export interface MdDoc {
  title?: string;
  intro: string;
  sections: MdSection[];
}

const STEP = /^##\s+(.+?)\s*\{#([A-Za-z0-9][A-Za-z0-9_-]*)\}\s*$/;

export function parseLabMarkdown(src: string): MdDoc {
  const lines = src.replace(/\r\n/g, '\n').split('\n');
  const doc: MdDoc = { intro: '', sections: [] };
  let cur: MdSection | undefined;
  const intro: string[] = [];
  let body: string[] = intro;
  let fence: string | undefined;
  lines.forEach((line, i) => {
    if (/^(```|~~~)/.test(line)) fence = fence ? (line.startsWith(fence) ? undefined : fence) : line.slice(0, 3);
    const m = !fence ? STEP.exec(line) : null;
    if (m) {
      if (cur) cur.body = body.join('\n').trim();
      cur = { id: m[2], title: m[1], body: '', line: i + 1, blocks: [] };
      doc.sections.push(cur);
      body = [];
      return;
    }
    if (!cur && !doc.title && /^#\s+/.test(line)) {
      doc.title = line.replace(/^#\s+/, '').trim();
      return;
    }
    body.push(line);
  });
  if (cur) cur.body = body.join('\n').trim();
  doc.intro = intro.join('\n').trim();
  for (const s of doc.sections) s.blocks = codeBlocks(s.body);
  return doc;
}

export function codeBlocks(md: string): CodeBlock[] {
  const out: CodeBlock[] = [];
  const re = /^```([^\n]*)\n([\s\S]*?)^```\s*$/gm;
  for (let m = re.exec(md); m; m = re.exec(md)) {
    const info = m[1].trim().split(/\s+/);
    const mode = info.includes('run') ? 'run' : info.includes('copy') ? 'copy' : 'show';
    out.push({ lang: info[0] && info[0] !== 'run' && info[0] !== 'copy' ? info[0] : 'text', mode, code: m[2].replace(/\n$/, '') });
  }
  return out;
}
