import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { setBridge } from '../lib/bridge';
import { setLang } from '../lib/i18n.svelte';
import { fakeBridge } from '../test-bridge';
import type { NetworkMatrixQuery, NetworkMatrixView } from '../../../electron/app/ipc-contract';
import NetworkView from './NetworkView.svelte';

const pods = ['x/a', 'x/b', 'y/a'];
const open = () => ({ allowed: true });
const matrix = (cells: NetworkMatrixView['cells'], policies = 0): NetworkMatrixView => ({
  pods,
  namespaces: ['x', 'y'],
  port: 80,
  protocol: 'TCP',
  cells,
  policies,
});
const allOpen = matrix(pods.map(() => pods.map(() => open())));

afterEach(() => {
  cleanup();
  setLang('en');
});

describe('NetworkView', () => {
  it('draws the matrix, recolours on a pushed change, explains a cell, and re-queries on a filter', async () => {
    const queries: NetworkMatrixQuery[] = [];
    const why = { allowed: false, reason: 'denied: x/a is isolated for ingress by x/deny; no rule admits y/a on 80/TCP', policies: ['x/deny'] };
    const b = fakeBridge({
      'network.explain': () => why,
      'network.watch': (q) => {
        queries.push(q);
        return allOpen;
      },
      'network.unwatch': () => undefined,
    });
    setBridge(b);
    render(NetworkView);
    await waitFor(() => expect(screen.getAllByTestId('matrix-cell')).toHaveLength(9));
    const cell = (from: string, to: string) => screen.getAllByTestId('matrix-cell').find((c) => c.dataset.from === from && c.dataset.to === to)!;
    expect(cell('y/a', 'x/a').className).toContain('ok');

    // a policy is applied: the main process pushes the new matrix
    const denied = { allowed: false };
    b.emit(
      'network.changed',
      matrix(
        [
          [open(), open(), open()],
          [open(), open(), open()],
          [denied, open(), open()],
        ],
        1,
      ),
    );
    await waitFor(() => expect(cell('y/a', 'x/a').className).toContain('bad'));
    expect(screen.getByText('1 NetworkPolicies')).toBeTruthy();

    // the reasons are asked for the clicked cell only
    expect(b.calls.some((c) => c.method === 'network.explain')).toBe(false);
    await fireEvent.click(cell('y/a', 'x/a'));
    await waitFor(() => expect(screen.getByTestId('explain').textContent).toContain('no rule admits y/a on 80/TCP'));
    expect(b.calls.find((c) => c.method === 'network.explain')?.params).toEqual({ from: 'y/a', to: 'x/a', port: 80, protocol: 'TCP' });

    await fireEvent.click(screen.getByTestId('ns-x'));
    await waitFor(() => expect(queries.at(-1)).toEqual({ namespaces: ['x'], port: 80, protocol: 'TCP' }));
  });

  it('previews a draft: field errors inline, the would-be matrix with changed cells outlined, then applies it', async () => {
    const previews: string[] = [];
    let attempt = 0;
    const b = fakeBridge({
      'network.watch': () => allOpen,
      'network.unwatch': () => undefined,
      'network.preview': (q) => {
        previews.push(q.yaml);
        if (attempt++ === 0)
          return {
            result: {
              ok: false,
              dryRun: true,
              items: [
                {
                  index: 0,
                  kind: 'NetworkPolicy',
                  name: 'draft',
                  ok: false,
                  error: {
                    code: 422,
                    reason: 'Invalid',
                    message: 'NetworkPolicy.networking.k8s.io "draft" is invalid',
                    fields: [{ field: 'spec.ingress[0].from[0].ipBlock.cidr', message: 'Invalid value: "10.0.0.0/33"', reason: 'FieldValueInvalid', line: 7 }],
                  },
                },
              ],
            },
          };
        const cells = pods.map((f) => pods.map((to) => (f === 'y/a' && to === 'x/a' ? { allowed: false, changed: true } : open())));
        return {
          result: { ok: true, dryRun: true, items: [{ index: 0, kind: 'NetworkPolicy', name: 'draft', ok: true, action: 'created (server dry run)' }] },
          matrix: matrix(cells, 1),
        };
      },
      'yaml.apply': (p) => ({
        ok: !p.dryRun,
        dryRun: p.dryRun,
        items: [{ index: 0, kind: 'NetworkPolicy', name: 'draft', ok: true, action: 'created' }],
      }),
    });
    setBridge(b);
    const { container } = render(NetworkView);
    await waitFor(() => expect(screen.getAllByTestId('matrix-cell')).toHaveLength(9));

    await fireEvent.click(screen.getByTestId('net-preview'));
    await waitFor(() => expect(screen.getByTestId('draft-results').textContent).toContain('spec.ingress[0].from[0].ipBlock.cidr (line 7)'));
    expect(container.querySelector('.cm-field-error')?.textContent).toContain('Invalid value: "10.0.0.0/33"');
    expect(previews[0]).toContain('kind: NetworkPolicy');
    expect(screen.queryByTestId('preview-banner')).toBeNull();

    await fireEvent.click(screen.getByTestId('net-preview'));
    await waitFor(() => expect(screen.getByTestId('preview-banner')).toBeTruthy());
    const cell = (from: string, to: string) => screen.getAllByTestId('matrix-cell').find((c) => c.dataset.from === from && c.dataset.to === to)!;
    expect(cell('y/a', 'x/a').className).toContain('bad');
    expect(cell('y/a', 'x/a').className).toContain('changed');
    expect(cell('x/b', 'x/a').className).not.toContain('changed');
    await fireEvent.click(cell('y/a', 'x/a'));
    expect(screen.getByTestId('explain').textContent).toContain('With the draft: denied. Now: allowed.');
    // nothing was applied: the only calls are the watch and the previews
    expect(b.calls.filter((c) => c.method === 'yaml.apply')).toEqual([]);

    await fireEvent.click(screen.getByTestId('net-apply'));
    await waitFor(() => expect(screen.getByTestId('draft-results').textContent).toContain('networkpolicy/draft created'));
    expect(b.calls.find((c) => c.method === 'yaml.apply')?.params).toMatchObject({ dryRun: false });
    // applied: the view goes back to the live matrix, which the main process pushes
    expect(screen.queryByTestId('preview-banner')).toBeNull();
  });
});
