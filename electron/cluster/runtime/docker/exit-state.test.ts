import { describe, expect, it } from 'vitest';
import { settleExitState } from './exit-state';

function inspector(states: { ExitCode: number; OOMKilled: boolean }[]) {
  let calls = 0;
  const inspect = async () => states[Math.min(calls++, states.length - 1)];
  return { inspect, calls: () => calls };
}

describe('settleExitState', () => {
  it('waits for an OOM event Docker handles after the exit', async () => {
    const i = inspector([
      { ExitCode: 137, OOMKilled: false },
      { ExitCode: 137, OOMKilled: false },
      { ExitCode: 137, OOMKilled: true },
    ]);
    const s = await settleExitState(i.inspect, { memoryLimited: true, intervalMs: 1 });
    expect(s.OOMKilled).toBe(true);
    expect(i.calls()).toBe(3);
  });

  it('records a SIGKILL of a memory-limited container as it is once the window has passed', async () => {
    const i = inspector([{ ExitCode: 137, OOMKilled: false }]);
    const s = await settleExitState(i.inspect, { memoryLimited: true, windowMs: 30, intervalMs: 5 });
    expect(s.OOMKilled).toBe(false);
    expect(i.calls()).toBeGreaterThan(1);
  });

  it('asks once for exits that cannot be an OOM kill', async () => {
    for (const [state, memoryLimited] of [
      [{ ExitCode: 137, OOMKilled: false }, false],
      [{ ExitCode: 1, OOMKilled: false }, true],
      [{ ExitCode: 137, OOMKilled: true }, true],
    ] as const) {
      const i = inspector([state]);
      await settleExitState(i.inspect, { memoryLimited, intervalMs: 1 });
      expect(i.calls()).toBe(1);
    }
  });
});
