import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../../src/app/io.js';
import { installProgram, under } from '../common/program.js';
import { loadConfig } from './config.js';
import { SANDBOX_LINES } from '../../src/util/systemd-sandbox.js';

export const UNIT_NAME = 'gwsec-agent.service';
/** V8 heap caps (old space; a small young generation keeps RSS down) and the cgroup cap above them. */
export const HEAP_MB = 96;
export const SEMI_SPACE_MB = 1;
export const MEMORY_MAX_MB = 256;
/**
 * Node flags of the agent process, on ExecStart (NODE_OPTIONS refuses --optimize-for-size, which
 * makes V8 grow its heap in smaller steps). Measured effect on peak RSS: docs/PERFORMANCE.md.
 */
export const NODE_FLAGS = [`--max-old-space-size=${HEAP_MB}`, `--max-semi-space-size=${SEMI_SPACE_MB}`, '--optimize-for-size'];
/** glibc gives each thread that mallocs (zlib and fs work in the libuv pool) its own arena; two are enough here and save ~7 MiB. */
export const UNIT_ENV: Record<string, string> = { MALLOC_ARENA_MAX: '2', LANG: 'C.UTF-8' };

/**
 * The hardened unit. No MemoryDenyWriteExecute: V8's JIT needs writable+executable pages.
 * Runs as root for reading logs, but with only CAP_DAC_READ_SEARCH left in its bounding set.
 */
export function renderUnit(o: { node: string; bin: string; config: string; writable: string[] }): string {
  const rw = [...new Set(o.writable)].join(' ');
  // The sandbox must not hide the agent's own paths: one under /tmp needs the real /tmp (a private
  // one would be empty). Homes stay visible read-only (ProtectHome=read-only) and ReadWritePaths apply there.
  const all = [o.node, o.bin, o.config, ...o.writable];
  const privateTmp = all.some((p) => under(p, '/tmp') || under(p, '/var/tmp')) ? 'no' : 'yes';
  return `[Unit]
Description=gwsec agent: tamper-evident log archive (Article 41) / gwsec 日志留存代理
Documentation=https://github.com/gwsec/gwsec
After=network-online.target systemd-journald.service
Wants=network-online.target

[Service]
Type=simple
ExecStart=${o.node} ${NODE_FLAGS.join(' ')} ${o.bin} agent run -c ${o.config}
${Object.entries(UNIT_ENV)
  .map(([k, v]) => `Environment=${k}=${v}`)
  .join('\n')}
KillSignal=SIGTERM
TimeoutStopSec=30
Restart=on-failure
RestartSec=2
UMask=0077
MemoryMax=${MEMORY_MAX_MB}M
CPUWeight=50
IOWeight=50
NoNewPrivileges=yes
ProtectSystem=strict
ReadWritePaths=${rw}
# read-only, not yes: host drift reads ~/.ssh/authorized_keys (detections.drift_interval_s); ReadWritePaths still applies under it
ProtectHome=read-only
PrivateTmp=${privateTmp}
${SANDBOX_LINES}
CapabilityBoundingSet=CAP_DAC_READ_SEARCH
AmbientCapabilities=

[Install]
WantedBy=multi-user.target
`;
}

export const DEFAULT_CONFIG = `# gwsec agent — see examples/agent.yaml for every key / 完整示例见 examples/agent.yaml
archive:
  dir: /var/lib/gwsec/archive
# Article 41(三): at least 180 days / 第四十一条（三）：不少于 180 天
retention_days: 180
checkpoint_interval_s: 300
state_dir: /var/lib/gwsec/agent
sources:
  - { type: file, name: nginx_access, path: /var/log/nginx/access.log*, format: nginx }
  - { type: file, name: nginx_error, path: /var/log/nginx/error.log*, format: nginx }
  - { type: file, name: auth, path: /var/log/auth.log*, format: auth }
  - { type: file, name: secure, path: /var/log/secure*, format: auth }
  - { type: file, name: syslog, path: /var/log/syslog*, format: syslog }
  - { type: file, name: messages, path: /var/log/messages*, format: syslog }
  - { type: journald }
`;

/**
 * How the unit starts the agent (ExecStart= argv, Environment= variables), read back from the unit
 * text: the benchmark launches the agent from this, so its figures are those of the installed unit.
 */
export function unitLaunch(unit: string): { argv: string[]; env: Record<string, string> } {
  const exec = /^ExecStart=(.*)$/m.exec(unit);
  if (!exec) throw new Error('unit has no ExecStart=');
  const env: Record<string, string> = {};
  for (const m of unit.matchAll(/^Environment=(?:"([^"]*)"|(\S+))$/gm)) {
    const kv = m[1] ?? m[2]!;
    const i = kv.indexOf('=');
    env[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return { argv: exec[1]!.split(' ').filter(Boolean), env };
}

export interface InstallResult {
  unitPath: string;
  configPath: string;
  configWritten: boolean;
  /** Where the program was installed (ExecStart runs it from there, not from a checkout). */
  programDir: string;
  writable: string[];
}

/**
 * Installs the program under `programDir` (default /opt/gwsec), writes the unit (always) and a
 * default config (only when there is none). ReadWritePaths holds exactly what the config says the
 * agent writes: the archive, the state directory, the anchors file's and the key's directories.
 */
export function installAgent(o: { configDir: string; unitDir: string; node?: string; programDir?: string; unitName?: string }): InstallResult {
  mkdirSync(o.configDir, { recursive: true, mode: 0o755 });
  mkdirSync(o.unitDir, { recursive: true, mode: 0o755 });
  const configPath = join(o.configDir, 'agent.yaml');
  let configWritten = false;
  if (!existsSync(configPath)) {
    writeFileAtomic(configPath, DEFAULT_CONFIG);
    configWritten = true;
  }
  const cfg = loadConfig(configPath);
  const writable = [cfg.archive.dir, cfg.state_dir];
  for (const extra of [cfg.archive.anchors_file && dirname(cfg.archive.anchors_file), dirname(cfg.key.private)])
    if (extra && !writable.some((w) => under(extra, w))) writable.push(extra);
  for (const d of writable) mkdirSync(d, { recursive: true, mode: 0o700 });
  const programDir = o.programDir ?? '/opt/gwsec';
  installProgram(programDir);
  const unit = renderUnit({ node: o.node ?? process.execPath, bin: join(programDir, 'bin', 'gwsec.js'), config: configPath, writable });
  const unitPath = join(o.unitDir, o.unitName ?? UNIT_NAME);
  writeFileAtomic(unitPath, unit);
  return { unitPath, configPath, configWritten, programDir, writable };
}
