import { hostname } from 'node:os';
import { join } from 'node:path';
import { homedir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { LocalTransport } from '../transport/local.js';
import { FixtureTransport } from '../transport/fixture.js';
import { SshTransport, type SshEndpoint } from '../transport/ssh.js';
import { GwsecError } from '../model/errors.js';
import type { AuditTarget, ConnectHooks } from '../audit/audit.js';
import { selectHosts } from '../inventory/load.js';
import type { Inventory, InventoryHost } from '../inventory/schema.js';
import { expandTilde, loadSshConfig, resolveHost } from '../inventory/ssh-config.js';
import { promptSecret } from './prompt.js';
import type { Io } from './io.js';

export interface TargetOptions {
  local?: boolean;
  fixture?: string[];
  inventory?: string;
  roles?: string[];
  publicIps?: string[];
  hosts?: string[];
  tags?: string[];
  shard?: string;
  sshConfig?: string;
  knownHosts?: string;
  acceptNewHostKeys?: boolean;
  connectTimeoutS?: number;
  sudoAskpass?: string;
}

/** A usage error is reported before the pack is even read. */
export function assertSomethingToAudit(o: TargetOptions): void {
  if (!o.local && !o.fixture?.length && !o.inventory) throw new GwsecError('usage_error', { en: 'nothing to audit: give --local, -i INVENTORY or --fixture DIR', zh: '未指定核查对象：请使用 --local、-i 清单文件或 --fixture 样本目录' });
}

/** --local, --fixture DIR (repeatable) and -i INVENTORY become audit targets. */
export async function targetsFrom(o: TargetOptions, io: Io, inventory?: Inventory): Promise<AuditTarget[]> {
  assertSomethingToAudit(o);
  const targets: AuditTarget[] = [];
  if (o.local) targets.push({ name: hostname(), transport: new LocalTransport(), roles: o.roles ?? [], publicIps: o.publicIps ?? [], probe: { address: '127.0.0.1', https: [] } });
  for (const dir of o.fixture ?? []) {
    const t = FixtureTransport.fromDir(dir);
    targets.push({ name: t.id.slice('fixture:'.length), transport: t, roles: o.roles?.length ? o.roles : t.roles, publicIps: o.publicIps?.length ? o.publicIps : t.publicIp ? [t.publicIp] : [] });
  }
  if (inventory) targets.push(...(await sshTargets(inventory, o, io)));
  return targets;
}

async function sshTargets(inv: Inventory, o: TargetOptions, io: Io): Promise<AuditTarget[]> {
  const hosts = selectHosts(inv.hosts, o);
  if (hosts.length === 0) throw new GwsecError('usage_error', { en: 'no inventory host matches --hosts/--tags/--shard', zh: '清单中没有符合 --hosts/--tags/--shard 条件的主机' });
  const sshConfig = loadSshConfig(o.sshConfig);
  const knownHostsFile = o.knownHosts ?? join(homedir(), '.ssh', 'known_hosts');
  const sudoPassword = hosts.some((h) => h.sudo === 'password') ? await sudoPasswordFrom(o, io) : undefined;
  const password = io.env.GWSEC_SSH_PASSWORD || undefined;
  const endpoint = (name: string, h?: InventoryHost): SshEndpoint => {
    // ssh_config first-value-wins applies to what the inventory leaves unsaid.
    const c = resolveHost(sshConfig, h?.address ?? name);
    const target = parseUserHostPort(h?.address ?? name);
    return {
      name: h?.name ?? name,
      host: c.hostName ?? target.host,
      port: h?.port ?? target.port ?? c.port ?? 22,
      user: h?.user ?? target.user ?? c.user ?? io.env.USER ?? 'root',
      identityFiles: [...(h?.identityFile ? [expandTilde(h.identityFile)] : []), ...c.identityFiles, ...defaultKeys()],
    };
  };
  return hosts.map((h) => {
    const proxy = h.proxyJump ?? resolveHost(sshConfig, h.address).proxyJump;
    const jumps = proxy ? proxy.split(',').map((j) => endpoint(j.trim(), inv.hosts.find((x) => x.name === j.trim()))) : [];
    return {
      name: h.name,
      roles: h.roles,
      publicIps: h.publicIps,
      probe: { address: endpoint(h.name, h).host, https: h.https },
      attestations: h.attestations as Record<string, unknown>,
      vars: h.vars,
      sudo: h.sudo !== false,
      transport: (hooks: ConnectHooks) =>
        SshTransport.connect(
          endpoint(h.name, h),
          { knownHostsFile, acceptNewHostKeys: o.acceptNewHostKeys, connectTimeoutMs: (o.connectTimeoutS ?? 10) * 1000, password, jumps, onHostKey: hooks.onHostKey },
          h.sudo === false ? undefined : { mode: h.sudo, password: sudoPassword },
        ),
    };
  });
}

function defaultKeys(): string[] {
  return ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((k) => join(homedir(), '.ssh', k));
}

function parseUserHostPort(s: string): { user?: string; host: string; port?: number } {
  const m = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(s);
  if (!m) return { host: s };
  return { user: m[1], host: m[2]!.replace(/^\[|\]$/g, ''), port: m[3] ? Number(m[3]) : undefined };
}

/** GWSEC_SUDO_PASSWORD, else an askpass command's output, else one prompt on the terminal. Never argv. */
async function sudoPasswordFrom(o: TargetOptions, io: Io): Promise<string | undefined> {
  if (io.env.GWSEC_SUDO_PASSWORD) return io.env.GWSEC_SUDO_PASSWORD;
  if (o.sudoAskpass) {
    const r = spawnSync('/bin/sh', ['-c', o.sudoAskpass], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (r.status !== 0) throw new GwsecError('usage_error', { en: `--sudo-askpass command failed (exit ${r.status})`, zh: `--sudo-askpass 命令执行失败（退出码 ${r.status}）` });
    return r.stdout.replace(/\r?\n$/, '');
  }
  if (process.stdin.isTTY) return promptSecret('sudo password / sudo 密码: ');
  return undefined; // hosts that need it report a clear sudo error
}

/** `--var NAME=VALUE`: VALUE is JSON when it parses as JSON (numbers, lists), else a string. */
export function parseVarOverrides(list: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of list) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new GwsecError('usage_error', { en: `--var takes NAME=VALUE, got '${item}'`, zh: `--var 的格式应为 名称=值，实际为“${item}”` });
    const v = item.slice(eq + 1);
    try {
      out[item.slice(0, eq)] = JSON.parse(v);
    } catch {
      out[item.slice(0, eq)] = v;
    }
  }
  return out;
}
