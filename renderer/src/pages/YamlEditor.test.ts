import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, waitFor } from '@testing-library/svelte';
import { setBridge } from '../lib/bridge';
import { fakeBridge } from '../test-bridge';
import YamlEditor from './YamlEditor.svelte';

afterEach(() => cleanup());

describe('YamlEditor', () => {
  it("sends manifests without a namespace to the running lab's namespace", async () => {
    setBridge(fakeBridge({ 'labs.active': () => ({ lab: '06-deployment', namespace: 'lab-06' }) }));
    render(YamlEditor);
    const input = screen.getByTestId('yaml-namespace') as HTMLInputElement;
    await waitFor(() => expect(input.value).toBe('lab-06'));
    expect(screen.getByText(/namespace of lab 06-deployment/)).toBeTruthy();
  });

  it('keeps the default namespace when no lab holds the cluster', async () => {
    const b = fakeBridge({ 'labs.active': () => ({ namespace: 'default' }) });
    setBridge(b);
    render(YamlEditor);
    await waitFor(() => expect(b.calls.some((c) => c.method === 'labs.active')).toBe(true));
    expect((screen.getByTestId('yaml-namespace') as HTMLInputElement).value).toBe('default');
    expect(screen.queryByText(/namespace of lab/)).toBeNull();
  });
});
