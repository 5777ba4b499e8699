// App services (the same ones Electron and the web mode run) on a fresh data folder, with the small lab in
// test/fixtures/labs instead of the course, so app-level tests do not depend on the course's content.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createAppServices, type AppServices } from '../electron/app/services';
import { createEngineLabBackend } from '../electron/app/engine-lab-backend';

export const FIXTURE_LABS = resolve(__dirname, 'fixtures/labs');

export interface AppFixture {
  services: AppServices;
  dataDir: string;
  /** stops the services and removes the data folder */
  dispose(): Promise<void>;
}

/** created but not started: a test may connect a session first to see the start-up events */
export function fixtureAppServices(prefix: string): AppFixture {
  const dataDir = mkdtempSync(join(tmpdir(), `kubelab-${prefix}-`));
  const services = createAppServices({
    dataDir,
    mode: 'web',
    cluster: { port: 0 },
    shell: '/bin/bash',
    labs: (ctx) => createEngineLabBackend({ ...ctx, labsDir: FIXTURE_LABS }),
  });
  return {
    services,
    dataDir,
    async dispose() {
      await services.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
