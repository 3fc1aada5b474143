import { spawn } from 'node:child_process';
import { GwsecError } from '../model/errors.js';
import type { RunOptions, RunResult, Transport } from './types.js';

/**
 * Runs a script on this machine with /bin/sh, the script on stdin (never in argv). With `sudo`, uses
 * `sudo -n` (no prompt: a local audit never blocks on a password; refused sudo is reported, and the
 * collectors then report permission_denied for what needed root).
 */
export class LocalTransport implements Transport {
  readonly id = 'local';

  async run(script: string, o: RunOptions = {}): Promise<RunResult> {
    const started = performance.now();
    const [cmd, args] = o.sudo && process.getuid?.() !== 0 ? ['sudo', ['-n', '/bin/sh', '-s']] : ['/bin/sh', ['-s']];
    return new Promise((resolve, reject) => {
      const child = spawn(cmd as string, args as string[], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timedOut = false;
      const timer = o.timeoutMs
        ? setTimeout(() => {
            timedOut = true;
            try {
              process.kill(-child.pid!, 'SIGKILL'); // the whole process group, not just sh
            } catch {
              /* already gone */
            }
          }, o.timeoutMs)
        : undefined;
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new GwsecError('transport_exec_error', { en: `cannot start ${cmd}: ${e.message}`, zh: `无法启动 ${cmd}：${e.message}` }));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({
          stdout: decode(Buffer.concat(out)),
          stderr: decode(Buffer.concat(err)),
          exitCode: timedOut ? 124 : (code ?? (signal ? 128 : 1)),
          durationMs: performance.now() - started,
        });
      });
      child.stdin.on('error', () => {
        /* the script may exit before reading all of stdin */
      });
      child.stdin.end((o.stdin ?? '') + script);
    });
  }

  async close(): Promise<void> {}
}

/** Lenient UTF-8: invalid bytes become U+FFFD instead of throwing; NULs are dropped. */
export function decode(b: Buffer): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(b).replace(/\0/g, '');
}
