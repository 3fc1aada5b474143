import type { Argv } from 'yargs';

/** Options shared by audit, facts and evaluate. */
export function targetOptions(y: Argv): Argv {
  return y
    .option('local', { type: 'boolean', describe: 'audit this machine / 核查本机' })
    .option('fixture', { type: 'string', array: true, describe: 'audit a recorded host folder (tests, demos) / 核查录制的样本主机' })
    .option('inventory', { alias: 'i', type: 'string', describe: 'audit the hosts of an inventory over SSH / 通过 SSH 核查清单中的主机' })
    .option('hosts', { type: 'string', array: true, describe: 'only inventory hosts matching these globs (web-*) / 仅匹配的主机' })
    .option('tags', { type: 'string', array: true, describe: 'only inventory hosts with one of these tags / 仅带这些标签的主机' })
    .option('shard', { type: 'string', describe: 'audit part i of n of the inventory (i/n); combine with gwsec merge / 分片' })
    .option('concurrency', { type: 'number', default: 32, describe: 'hosts audited at once / 并发主机数' })
    .option('ssh-config', { type: 'string', describe: 'ssh_config file (default ~/.ssh/config) / SSH 配置文件' })
    .option('known-hosts', { type: 'string', describe: 'known_hosts file for strict host-key checking (default ~/.ssh/known_hosts) / 主机密钥文件' })
    .option('accept-new-host-keys', { type: 'boolean', describe: 'record unknown host keys (changed keys are always refused) / 记录新主机密钥' })
    .option('connect-timeout', { type: 'number', default: 10, describe: 'seconds to connect and authenticate / 连接超时（秒）' })
    .option('sudo-askpass', { type: 'string', describe: 'command printing the sudo password (else GWSEC_SUDO_PASSWORD, else a prompt) / 输出 sudo 密码的命令' })
    .option('role', { type: 'string', array: true, describe: 'inventory role of the host: frontend, backend … / 主机角色' })
    .option('public-ip', { type: 'string', array: true, describe: 'declared public/NAT address of the host / 声明的公网地址' })
    .option('sudo', { type: 'boolean', describe: 'collect with sudo -n (never prompts) / 以 sudo 采集' })
    .option('timeout', { type: 'number', default: 120, describe: 'seconds for the whole collection per host (deadline) / 每台主机采集超时（秒）' });
}

export function evalOptions(y: Argv): Argv {
  return y
    .option('pack', { type: 'string', describe: 'policy pack directory (default: the embedded Article 40 pack) / 策略包目录' })
    .option('check', { type: 'string', array: true, describe: 'only these checks: ids, globs, comma lists (a40-7-*,a41-3-*) / 仅运行这些检查项（可用通配符、逗号分隔）' })
    .option('skip', { type: 'string', array: true, describe: 'leave these checks out (same syntax as --check) / 跳过这些检查项' })
    .option('severity', {
      type: 'string',
      describe: 'only checks of this severity or above: critical|high|medium|low|info; the others are not collected, evaluated, shown or counted / 仅运行不低于此严重程度的检查项',
    })
    .option('var', { type: 'string', array: true, describe: 'override a pack variable: NAME=VALUE (JSON or text) / 覆盖策略变量' })
    .option('format', { type: 'string', default: 'text', describe: 'report format: text, json, junit, sarif, html, dengbao, dengbao-html / 报告格式' })
    .option('baseline', { type: 'string', describe: 'an earlier JSON report to compare with (new failures, fixed…; enables --fail-on new) / 基线报告' })
    .option('waivers', { type: 'string', describe: 'YAML file of accepted exceptions (check, hosts/tags, justification, owner, approver, expires) / 豁免清单文件' })
    .option('allow-expired-waivers', { type: 'boolean', describe: 'run even if a waiver has expired (it then waives nothing) / 允许过期豁免（不再生效）' })
    .option('report', { type: 'string', array: true, describe: 'reports to write: FORMAT[:FILE],… e.g. text,json:r.json,sarif:r.sarif (repeatable) / 输出多种报告' })
    .option('output', { alias: 'o', type: 'string', describe: 'write the report to a file / 报告输出文件' })
    .option('color', { type: 'boolean', describe: 'colour (default: on a TTY) / 彩色输出' })
    .option('verbose', { type: 'boolean', describe: 'evidence for passing checks too / 显示通过项证据' })
    .option('fail-on', {
      type: 'string',
      describe: 'exit 1 on a fail or error result at or above this severity: critical|high|medium|low|info (default low), or new: only on failures not in --baseline (unaudited hosts always fail) / 达到此严重程度的不通过或错误项使退出码为 1',
    });
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const strs = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.map(String) : undefined);

/** argv -> the options object the app layer takes. */
export function auditOptionsFrom(a: Record<string, unknown>) {
  return {
    local: a.local === true,
    fixture: strs(a.fixture),
    inventory: str(a.inventory),
    hosts: strs(a.hosts),
    tags: strs(a.tags),
    shard: str(a.shard),
    concurrency: typeof a.concurrency === 'number' ? a.concurrency : undefined,
    sshConfig: str(a['ssh-config']),
    knownHosts: str(a['known-hosts']),
    acceptNewHostKeys: a['accept-new-host-keys'] === true,
    connectTimeoutS: typeof a['connect-timeout'] === 'number' ? a['connect-timeout'] : undefined,
    sudoAskpass: str(a['sudo-askpass']),
    roles: strs(a.role),
    publicIps: strs(a['public-ip']),
    sudo: a.sudo === true,
    timeoutS: typeof a.timeout === 'number' ? a.timeout : undefined,
    pack: str(a.pack),
    checks: strs(a.check),
    skip: strs(a.skip),
    severity: str(a.severity),
    vars: strs(a.var),
    format: str(a.format) ?? 'text',
    output: str(a.output),
    reports: strs(a.report),
    waivers: str(a.waivers),
    baseline: str(a.baseline),
    allowExpiredWaivers: a['allow-expired-waivers'] === true,
    lang: str(a.lang),
    color: typeof a.color === 'boolean' ? a.color : undefined,
    verbose: a.verbose === true,
    failOn: str(a['fail-on']),
  };
}
