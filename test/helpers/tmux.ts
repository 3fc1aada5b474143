import type { ExecutionContext } from 'ava';
import { execFileSync } from 'node:child_process';

/** A private tmux server (a real pseudo-terminal) for one test, killed when the test ends. */
export function tmuxRun(t: ExecutionContext, name: string, cmd: string, size: { cols: number; rows: number } = { cols: 160, rows: 50 }) {
  const sock = `gwsec-${name}-${process.pid}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', sock, ...args], { encoding: 'utf8' });
  t.teardown(() => {
    try {
      execFileSync('tmux', ['-L', sock, 'kill-server'], { stdio: 'ignore' });
    } catch {
      /* the session ended with the run */
    }
  });
  tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'run', '-x', String(size.cols), '-y', String(size.rows), cmd);
  return {
    screen: () => tmux('capture-pane', '-p', '-t', 'run'),
    keys: (...keys: string[]) => tmux('send-keys', '-t', 'run', ...keys),
  };
}
