// The UI's settings, kept beside the cluster in the data dir.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Settings } from './ipc-contract';

export const DEFAULT_SETTINGS: Settings = { language: 'en', runtime: 'sim', fontSize: 14 };

export function sanitizeSettings(input: Partial<Settings>, base: Settings): Settings {
  const out = { ...base };
  if (input.language === 'en' || input.language === 'zh') out.language = input.language;
  if (input.runtime === 'sim' || input.runtime === 'docker') out.runtime = input.runtime;
  if (typeof input.fontSize === 'number' && input.fontSize >= 9 && input.fontSize <= 32) out.fontSize = Math.round(input.fontSize);
  return out;
}

export class SettingsStore {
  private file: string;
  private value: Settings;
  constructor(private dir: string) {
    this.file = join(dir, 'ui-settings.json');
    let stored: Partial<Settings> = {};
    try {
      if (existsSync(this.file)) stored = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch {
      /* a broken file falls back to defaults */
    }
    this.value = sanitizeSettings(stored, DEFAULT_SETTINGS);
  }
  get(): Settings {
    return { ...this.value };
  }
  set(patch: Partial<Settings>): Settings {
    this.value = sanitizeSettings(patch, this.value);
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(this.file, JSON.stringify(this.value, null, 2));
    return this.get();
  }
}
