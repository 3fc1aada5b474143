/**
 * `gwsec collector install`: the collector's hardened systemd unit. Sandboxed like the agent's
 * (agents/agent/install.ts) and stricter: no capabilities at all, homes hidden: the collector reads no one else's files,
 * listens on an unprivileged port, and writes only its own directory (CA, store).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/util/fs.js';
import { installProgram } from '../common/program.js';
import { loadCollectorConfig } from './config.js';
import { SANDBOX_LINES } from '../../src/util/systemd-sandbox.js';

export const COLLECTOR_UNIT = 'gwsec-collector.service';
/** V8 flags and environment of the collector process, on the unit (the benchmark runs it the same way). */
export const COLLECTOR_NODE_FLAGS = ['--max-old-space-size=128', '--max-semi-space-size=2', '--optimize-for-size'];
export const COLLECTOR_ENV: Record<string, string> = { LANG: 'C.UTF-8', MALLOC_ARENA_MAX: '2' };

export function renderCollectorUnit(o: { node: string; bin: string; config: string; writable: string[] }): string {
  return `[Unit]
Description=gwsec collector: agents' alerts and off-host archive anchors / gwsec 采集中心
After=network-online.target postgresql.service
Wants=network-online.target

[Service]
Type=simple
ExecStart=${o.node} ${COLLECTOR_NODE_FLAGS.join(' ')} ${o.bin} collector run -c ${o.config}
${Object.entries(COLLECTOR_ENV).map(([k, v]) => `Environment=${k}=${v}`).join('\n')}
KillSignal=SIGTERM
TimeoutStopSec=30
Restart=on-failure
RestartSec=2
UMask=0077
MemoryMax=256M
LimitNOFILE=65536
NoNewPrivileges=yes
ProtectSystem=strict
ReadWritePaths=${[...new Set(o.writable)].join(' ')}
ProtectHome=yes
PrivateTmp=yes
${SANDBOX_LINES}
CapabilityBoundingSet=
AmbientCapabilities=

[Install]
WantedBy=multi-user.target
`;
}

/**
 * Copies the program to `programDir` (default /opt/gwsec, as the agent's install does: a unit that
 * runs from a checkout under /root or /tmp cannot see it behind ProtectHome and PrivateTmp) and
 * writes the unit.
 */
export function installCollector(o: { config: string; unitDir: string; node?: string; programDir?: string }): { unitPath: string; programDir: string } {
  const cfg = loadCollectorConfig(o.config);
  const programDir = o.programDir ?? '/opt/gwsec';
  installProgram(programDir);
  const writable = [cfg.dir, ...(cfg.store.type === 'embedded' ? [cfg.store.dir] : [])];
  mkdirSync(o.unitDir, { recursive: true, mode: 0o755 });
  const unitPath = join(o.unitDir, COLLECTOR_UNIT);
  writeFileAtomic(unitPath, renderCollectorUnit({ node: o.node ?? process.execPath, bin: join(programDir, 'bin', 'gwsec.js'), config: cfg.file, writable }), 0o644);
  return { unitPath, programDir };
}
