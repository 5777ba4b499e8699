import { describe, it, expect } from 'vitest';
import { ComponentLog, klogHeader, klogStructured } from './component-log';

describe('component log', () => {
  it('formats klog headers and structured messages as klog does', () => {
    expect(klogHeader('W', 'server.go:12', Date.UTC(2026, 0, 2, 3, 4, 5, 6) + 0.789)).toBe('W0102 03:04:05.006789       1 server.go:12] ');
    expect(klogStructured('Successfully bound pod to node', { pod: 'default/x', node: 'n1', evaluated: 3, skipped: undefined })).toBe(
      '"Successfully bound pod to node" pod="default/x" node="n1" evaluated=3',
    );
  });

  it('keeps lines until a container streams them, then hands new lines over in batches', async () => {
    const log = new ComponentLog();
    log.line('etcd', 'early');
    const got: string[] = [];
    const detach = log.attach('etcd', (t) => got.push(t));
    expect(got).toEqual(['early\n']);
    log.line('etcd', 'a');
    log.line('etcd', 'b');
    detach();
    expect(got).toEqual(['early\n', 'a\nb\n']);
    log.line('etcd', 'while down');
    const again: string[] = [];
    log.attach('etcd', (t) => again.push(t));
    expect(again).toEqual(['while down\n']);
  });
});
