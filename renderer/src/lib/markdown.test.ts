import { describe, expect, it } from 'vitest';
import { commandsOf, parseMarkdown } from './markdown';

describe('lab Markdown', () => {
  it('splits paragraphs, lists and fenced code', () => {
    const b = parseMarkdown('Run **this**:\n\n```bash\nkubectl get nodes\n```\n\n- one\n- `two`');
    expect(b.map((x) => x.type)).toEqual(['para', 'code', 'list']);
    expect(b[0]).toEqual({ type: 'para', html: 'Run <strong>this</strong>:' });
    expect(b[1]).toEqual({ type: 'code', lang: 'bash', code: 'kubectl get nodes' });
    expect(b[2]).toEqual({ type: 'list', ordered: false, items: ['one', '<code>two</code>'] });
  });
  it('reads run/copy/show from the fence info string', () => {
    const b = parseMarkdown('```bash run\nkubectl get pods\n```\n```bash copy\nkubectl label node x a=b\n```');
    expect(b).toEqual([
      { type: 'code', lang: 'bash', code: 'kubectl get pods', mode: 'run' },
      { type: 'code', lang: 'bash', code: 'kubectl label node x a=b', mode: 'copy' },
    ]);
  });
  it('escapes HTML instead of interpreting it', () => {
    const [p] = parseMarkdown('<img src=x onerror=alert(1)> `<b>`');
    expect(p).toEqual({ type: 'para', html: '&lt;img src=x onerror=alert(1)&gt; <code>&lt;b&gt;</code>' });
  });
  it('joins soft line breaks inside Chinese text without a space, and with one elsewhere', () => {
    const b = parseMarkdown('调度器会把 Pod 放到\n合适的节点上，\n然后 kubelet\nstarts it.\nNext line');
    expect(b).toEqual([{ type: 'para', html: '调度器会把 Pod 放到合适的节点上，然后 kubelet starts it. Next line' }]);
  });
  it('drops prompts and comments from runnable commands', () => {
    expect(commandsOf('# look\n$ kubectl get ns\nkubectl get pods\n')).toBe('kubectl get ns\nkubectl get pods');
  });
});
