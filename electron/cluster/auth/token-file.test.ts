import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTokenFile } from './token-file';

describe('static token file (--token-auth-file format)', () => {
  const withFile = (text: string, fn: (path: string) => void) => {
    const dir = mkdtempSync(join(tmpdir(), 'kl-tokens-'));
    try {
      writeFileSync(join(dir, 'tokens.csv'), text);
      fn(join(dir, 'tokens.csv'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('maps tokens to users with quoted group lists, skipping comments and blank lines', () => {
    withFile('# admin\nt0ken,alice,u-1,"system:masters,devs"\n\nplain,bob,u-2\n', (p) => {
      const a = loadTokenFile(p)!;
      expect(a.authenticateToken('t0ken')).toEqual({ name: 'alice', uid: 'u-1', groups: ['system:masters', 'devs'] });
      expect(a.authenticateToken('plain')).toEqual({ name: 'bob', uid: 'u-2', groups: [] });
      expect(a.authenticateToken('other')).toBeUndefined();
    });
  });

  it('is absent without a file and names the file and line of a broken entry', () => {
    expect(loadTokenFile('/nonexistent/tokens.csv')).toBeUndefined();
    withFile('good,carol\nonlytoken\n', (p) => expect(() => loadTokenFile(p)).toThrow(`${p}:2: a token line needs at least token,user`));
  });
});
