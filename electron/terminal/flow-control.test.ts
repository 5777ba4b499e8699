import { describe, expect, it, vi } from 'vitest';
import { FlowController, ReplayBuffer, type FlowOptions } from './flow-control';

function harness(opts: FlowOptions = { high: 100, low: 20, batchMs: 1000, maxBatch: 40 }) {
  const sent: string[] = [];
  const state = { paused: false, pauses: 0, resumes: 0 };
  const fc = new FlowController(
    {
      send: (d) => sent.push(d),
      pause: () => {
        state.paused = true;
        state.pauses++;
      },
      resume: () => {
        state.paused = false;
        state.resumes++;
      },
    },
    opts,
  );
  return { fc, sent, state };
}

describe('FlowController', () => {
  it('coalesces small chunks into one message', () => {
    const { fc, sent } = harness();
    fc.push('a');
    fc.push('b');
    fc.push('c');
    expect(sent).toEqual([]);
    fc.flush();
    expect(sent).toEqual(['abc']);
    fc.dispose();
  });

  it('with leading, sends the first chunk after a quiet spell at once and batches the ones right after', async () => {
    const { fc, sent } = harness({ high: 100, low: 20, batchMs: 30, maxBatch: 40, leading: true });
    fc.push('a');
    expect(sent).toEqual(['a']);
    fc.push('b');
    fc.push('c');
    expect(sent).toEqual(['a']);
    await vi.waitFor(() => expect(sent).toEqual(['a', 'bc']), { timeout: 1000, interval: 5 });
    await new Promise((r) => setTimeout(r, 40)); // a quiet spell longer than batchMs
    fc.push('d');
    expect(sent).toEqual(['a', 'bc', 'd']);
    fc.dispose();
  });

  it('flushes early once a batch is large', () => {
    const { fc, sent } = harness();
    fc.push('x'.repeat(30));
    fc.push('y'.repeat(15));
    expect(sent).toEqual(['x'.repeat(30) + 'y'.repeat(15)]);
    fc.dispose();
  });

  it('pauses above the high watermark and resumes below the low one', () => {
    const { fc, state } = harness();
    for (let i = 0; i < 3; i++) fc.push('z'.repeat(40));
    expect(fc.unacknowledged).toBe(120);
    expect(state.paused).toBe(true);
    fc.ack(90);
    expect(state.paused).toBe(true); // 30 left: still above low
    fc.ack(15);
    expect(state.paused).toBe(false);
    expect([state.pauses, state.resumes]).toEqual([1, 1]);
    fc.dispose();
  });

  it('forgets unacknowledged output when a new receiver attaches', () => {
    const { fc, state } = harness();
    for (let i = 0; i < 3; i++) fc.push('z'.repeat(40));
    fc.resetAcks();
    expect(state.paused).toBe(false);
    expect(fc.unacknowledged).toBe(0);
    fc.dispose();
  });
});

describe('ReplayBuffer', () => {
  it('keeps the tail, cut at a line start', () => {
    const r = new ReplayBuffer(15);
    r.append('line one\n');
    r.append('line two\n');
    r.append('line three\n');
    expect(r.text()).toBe('line three\n');
  });
  it('never splits a surrogate pair', () => {
    const r = new ReplayBuffer(5);
    r.append('ab😀😀😀'); // 8 UTF-16 units
    const t = r.text();
    expect(t.length).toBeLessThanOrEqual(5);
    expect(/^[\uDC00-\uDFFF]/.test(t)).toBe(false);
  });
});
