/**
 * Tests that audit this machine itself (no test host) read its listening sockets and interfaces,
 * which other suites running here change from one moment to the next. These helpers run each
 * collection in a fresh network namespace of its own (`unshare --net`: only a loopback, no socket),
 * so two collections see the same network and compare equal; the rest of the machine is read as is.
 */
import type { RunOptions, RunResult, Transport } from '../../src/transport/types.js';
import { LocalTransport } from '../../src/transport/local.js';

/** argv prefix: run a command in a network namespace of its own */
export const OWN_NETNS = ['unshare', '--net'];

/** The local transport, each run in a fresh network namespace (the script still goes on stdin). */
export class IsolatedLocalTransport implements Transport {
  readonly id = 'local';
  private readonly local = new LocalTransport();

  run(script: string, o: RunOptions = {}): Promise<RunResult> {
    const marker = 'GWSEC_NETNS_EOF';
    if (script.includes(marker)) throw new Error('IsolatedLocalTransport: the script contains the heredoc marker');
    return this.local.run(`exec ${OWN_NETNS.join(' ')} /bin/sh -s <<'${marker}'\n${script}\n${marker}\n`, o);
  }

  close(): Promise<void> {
    return this.local.close();
  }
}
