import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { setBridge } from '../lib/bridge';
import { setLang } from '../lib/i18n.svelte';
import { fakeBridge } from '../test-bridge';
import type { NetworkMatrixQuery, NetworkMatrixView } from '../../../electron/app/ipc-contract';
import NetworkView from './NetworkView.svelte';

const pods = ['x/a', 'x/b', 'y/a'];
const open = (reason = 'allowed: no policies') => ({ allowed: true, reason, policies: [] });
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
    const b = fakeBridge({
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
    const denied = { allowed: false, reason: 'denied: x/a is isolated for ingress by x/deny; no rule admits y/a on 80/TCP', policies: ['x/deny'] };
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
    expect(cell('y/a', 'x/a').getAttribute('title')).toContain('x/deny');
    expect(screen.getByText('1 NetworkPolicies')).toBeTruthy();

    await fireEvent.click(cell('y/a', 'x/a'));
    expect(screen.getByTestId('explain').textContent).toContain('no rule admits y/a on 80/TCP');

    await fireEvent.click(screen.getByTestId('ns-x'));
    await waitFor(() => expect(queries.at(-1)).toEqual({ namespaces: ['x'], port: 80, protocol: 'TCP' }));
  });
});
