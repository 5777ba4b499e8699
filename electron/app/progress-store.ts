// The UI-side record of lab progress (used by the built-in stand-in backend), and a report signed with a
// per-installation HMAC key so an instructor can tell an edited report from an exported one.
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LabProgress { started?: string; passedSteps: string[]; hintsUsed: number; solved: boolean; completed?: string }

export class ProgressStore {
  private file: string;
  private data: Record<string, LabProgress>;
  constructor(private dir: string) {
    this.file = join(dir, 'ui-progress.json');
    try { this.data = existsSync(this.file) ? JSON.parse(readFileSync(this.file, 'utf8')) : {}; } catch { this.data = {}; }
  }
  get(id: string): LabProgress { return this.data[id] ?? { passedSteps: [], hintsUsed: 0, solved: false }; }
  update(id: string, fn: (p: LabProgress) => void): LabProgress {
    const p = this.get(id);
    fn(p);
    this.data[id] = p;
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(this.file, JSON.stringify(this.data, null, 2));
    return p;
  }
  remove(id: string): void { delete this.data[id]; writeFileSync(this.file, JSON.stringify(this.data, null, 2)); }
  all(): Record<string, LabProgress> { return structuredClone(this.data); }

  private key(): Buffer {
    const f = join(this.dir, 'report-key');
    if (!existsSync(f)) { mkdirSync(this.dir, { recursive: true }); writeFileSync(f, randomBytes(32).toString('hex'), { mode: 0o600 }); }
    return Buffer.from(readFileSync(f, 'utf8').trim(), 'hex');
  }
  signedReport(body: Record<string, unknown>): string {
    const payload = JSON.stringify(body);
    const signature = createHmac('sha256', this.key()).update(payload).digest('hex');
    return JSON.stringify({ ...body, signature: { alg: 'HMAC-SHA256', value: signature } }, null, 2);
  }
  verify(report: string): boolean {
    const { signature, ...body } = JSON.parse(report);
    return signature?.value === createHmac('sha256', this.key()).update(JSON.stringify(body)).digest('hex');
  }
}
