// Killercoda's Markdown markers turned into KubeLab's code block modes: a block or inline command followed by
// {{exec}} becomes a `run` block (the Run in terminal button), {{copy}} a `copy` block.
export interface Marker {
  line: number;
  kind: 'exec' | 'copy' | 'exec interrupt';
  code: string;
}

const FENCE_END = /^(\s*)(```|~~~)\s*\{\{\s*(exec|copy)(\s+interrupt)?\s*\}\}\s*$/;
const INLINE = /`([^`\n]+)`\{\{\s*(exec|copy)(\s+interrupt)?\s*\}\}/g;
// a line that would read as a KubeLab step heading ("## Title {#id}") inside a step's text
const STEP_LIKE = /\{#([A-Za-z0-9])/g;

export function convertMarkdown(src: string): { md: string; markers: Marker[] } {
  const lines = src.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  const markers: Marker[] = [];
  let open: { index: number; fence: string; line: number } | undefined;
  lines.forEach((line, i) => {
    if (open) {
      const end = FENCE_END.exec(line);
      if (end && end[2] === open.fence) {
        const kind = (end[4] ? 'exec interrupt' : end[3]) as Marker['kind'];
        const body = out.slice(open.index + 1);
        markers.push({ line: open.line, kind, code: body.join('\n') });
        out[open.index] = `${'```'}bash ${kind === 'copy' ? 'copy' : 'run'}`;
        out.push('```');
        open = undefined;
        return;
      }
      if (line.trim().startsWith(open.fence)) open = undefined;
      out.push(line);
      return;
    }
    const start = /^\s*(```|~~~)/.exec(line);
    if (start) {
      open = { index: out.length, fence: start[1], line: i + 1 };
      out.push(line);
      return;
    }
    const converted = line.replace(INLINE, (_w, code: string, kind: string, interrupt?: string) => {
      const k = (interrupt ? 'exec interrupt' : kind) as Marker['kind'];
      markers.push({ line: i + 1, kind: k, code });
      return `\n\n${'```'}bash ${k === 'copy' ? 'copy' : 'run'}\n${code}\n${'```'}\n\n`;
    });
    out.push(converted.replace(STEP_LIKE, '{\\#$1'));
  });
  // an unclosed block would swallow the step headings that follow this text in en.md
  if (open) out.push(open.fence);
  return { md: out.join('\n'), markers };
}

/** commands a reference solution must not run unattended: watches, editors, interactive shells */
export function interactive(cmd: string): boolean {
  const c = cmd.trim();
  return (
    /^(vi|vim|nano|less|more|top|htop|watch|man)\b/.test(c) ||
    /\s(-w|--watch|-it|-ti|--stdin)\b/.test(c) ||
    /\blogs\b.*\s(-f|--follow)\b/.test(c) ||
    /^ssh\s+\S+\s*$/.test(c)
  );
}
