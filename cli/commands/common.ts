import type { Argv } from 'yargs';

/** Options shared by audit, facts and evaluate. */
export function targetOptions(y: Argv): Argv {
  return y
    .option('local', { type: 'boolean', describe: 'audit this machine / 核查本机' })
    .option('fixture', { type: 'string', array: true, describe: 'audit a recorded host folder (tests, demos) / 核查录制的样本主机' })
    .option('role', { type: 'string', array: true, describe: 'inventory role of the host: frontend, backend … / 主机角色' })
    .option('public-ip', { type: 'string', array: true, describe: 'declared public/NAT address of the host / 声明的公网地址' })
    .option('sudo', { type: 'boolean', describe: 'collect with sudo -n (never prompts) / 以 sudo 采集' })
    .option('timeout', { type: 'number', default: 120, describe: 'seconds for the whole collection per host / 每台主机采集超时（秒）' });
}

export function evalOptions(y: Argv): Argv {
  return y
    .option('pack', { type: 'string', describe: 'policy pack directory (default: the embedded Article 40 pack) / 策略包目录' })
    .option('check', { type: 'string', array: true, describe: 'only these check ids / 仅运行这些检查项' })
    .option('var', { type: 'string', array: true, describe: 'override a pack variable: NAME=VALUE (JSON or text) / 覆盖策略变量' })
    .option('format', { type: 'string', default: 'text', choices: ['text', 'json'], describe: 'report format / 报告格式' })
    .option('output', { alias: 'o', type: 'string', describe: 'write the report to a file / 报告输出文件' })
    .option('color', { type: 'boolean', describe: 'colour (default: on a TTY) / 彩色输出' })
    .option('verbose', { type: 'boolean', describe: 'evidence for passing checks too / 显示通过项证据' });
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const strs = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.map(String) : undefined);

/** argv -> the options object the app layer takes. */
export function auditOptionsFrom(a: Record<string, unknown>) {
  return {
    local: a.local === true,
    fixture: strs(a.fixture),
    roles: strs(a.role),
    publicIps: strs(a['public-ip']),
    sudo: a.sudo === true,
    timeoutS: typeof a.timeout === 'number' ? a.timeout : undefined,
    pack: str(a.pack),
    checks: strs(a.check),
    vars: strs(a.var),
    format: str(a.format) ?? 'text',
    output: str(a.output),
    lang: str(a.lang),
    color: typeof a.color === 'boolean' ? a.color : undefined,
    verbose: a.verbose === true,
  };
}
