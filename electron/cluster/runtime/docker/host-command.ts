// Running one of the host's own network tools (iptables-restore, ip, nsenter) and reading its answer: the exit code
// and stderr say what went wrong, stdout is the result.
import { spawn } from 'node:child_process';

export function runHost(cmd: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', (e) => reject(new Error(`${cmd}: ${e.message}`)));
    p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} exited with ${code}: ${err.trim() || out.trim()}`))));
    // a command that exits early (bad input) closes its stdin: its exit code and stderr tell why, not the EPIPE
    p.stdin?.on('error', (e) => (err ||= e.message));
    p.stdin?.end(input);
  });
}
