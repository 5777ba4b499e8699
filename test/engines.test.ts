// `npm install` on every Node line package.json's engines names must print no EBADENGINE warning: npm warns when an
// installed package's own engines.node does not include the running Node, so every package in the lock file must
// accept the oldest release of each line we support.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

// npm's own range logic (semver ships with npm's dependency tree here but without type declarations)
const semver = createRequire(__filename)('semver') as {
  satisfies(v: string, range: string, opts?: { includePrerelease?: boolean }): boolean;
  minVersion(range: string): { version: string } | null;
};

const root = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));

describe('Node engines', () => {
  const range: string = pkg.engines.node;
  // the first release each line of our range accepts, e.g. 20.19.0, 22.13.0, 24.0.0
  const floors = range.split('||').map((r) => semver.minVersion(r.trim())!.version);

  it('covers Node 20 and the current LTS lines', () => {
    for (const v of ['20.19.0', '22.13.0', '24.0.0']) expect(semver.satisfies(v, range), `${v} in ${range}`).toBe(true);
  });

  it.each(floors)('installs on Node %s without engine warnings', (v) => {
    const refusing = Object.entries<{ engines?: { node?: string } }>(lock.packages)
      .filter(([path, m]) => path && m.engines?.node && !semver.satisfies(v, m.engines.node, { includePrerelease: true }))
      .map(([path, m]) => `${path.replace(/^.*node_modules\//, '')} wants node ${m.engines!.node}`);
    expect(refusing).toEqual([]);
  });
});
