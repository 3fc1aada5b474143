import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, posix } from 'node:path';
import { parse as parseYamlText } from 'yaml';
import { GwsecError } from '../model/errors.js';
import { globToRegex } from '../util/glob.js';
export { globToRegex };
import { emptyAnswers, splitFlags, type RawAnswers, type Request } from './requests.js';
import type { RequestAnswerer, RunResult, Transport } from './types.js';

/**
 * Answers collector requests from a recorded host (test/fixtures/hosts/<name>/) without executing
 * anything (Train's mock transport, but stricter). Files not recorded are absent — that is a host
 * state. A command not recorded is answered `notRecorded`, which every dependent check reports as
 * `error` naming the command, and which `unrecorded()` lists: a test can never pass by accident.
 */
export interface FixtureSpec {
  name: string;
  files: Record<string, string>;
  cmds?: Record<string, { stdout: string; stderr?: string; exitCode?: number }>;
  denied?: string[]; // file paths or globs that answer "permission denied"
  roles?: string[];
  publicIp?: string | null;
}

export class FixtureTransport implements Transport {
  readonly id: string;
  private readonly asked: string[] = [];
  /** Executes nothing: every collection request is answered from the recording. */
  readonly requests: RequestAnswerer = {
    answer: async (requests) => ({ answers: this.answer(requests), execs: 0, notices: [] }),
    unanswered: () => this.unrecorded(),
  };

  private constructor(private readonly spec: FixtureSpec) {
    this.id = `fixture:${spec.name}`;
  }

  static fromMemory(spec: FixtureSpec): FixtureTransport {
    return new FixtureTransport(spec);
  }

  /** A host folder: host.yaml, files/<abs path>, cmd/<name>.txt [+ .rc, .err]. */
  static fromDir(dir: string): FixtureTransport {
    if (!existsSync(dir)) throw new GwsecError('fixture_not_found', { en: `no fixture host at ${dir}`, zh: `${dir} 下没有样本主机` }, { file: dir });
    const hostFile = join(dir, 'host.yaml');
    const meta = existsSync(hostFile) ? ((parseYamlText(readFileSync(hostFile, 'utf8')) ?? {}) as Record<string, unknown>) : {};
    const files: Record<string, string> = {};
    const filesDir = join(dir, 'files');
    const walk = (d: string, rel: string) => {
      for (const e of readdirSync(d)) {
        const p = join(d, e);
        if (statSync(p).isDirectory()) walk(p, `${rel}/${e}`);
        else files[`${rel}/${e}`] = readFileSync(p, 'utf8');
      }
    };
    if (existsSync(filesDir)) walk(filesDir, '');
    const cmds: NonNullable<FixtureSpec['cmds']> = {};
    const cmdDir = join(dir, 'cmd');
    if (existsSync(cmdDir)) {
      for (const e of readdirSync(cmdDir)) {
        const m = /^(.*)\.(txt|rc|err)$/.exec(e);
        if (!m) continue;
        const name = m[1]!;
        const c = (cmds[name] ??= { stdout: '' });
        const text = readFileSync(join(cmdDir, e), 'utf8');
        if (m[2] === 'txt') c.stdout = text;
        else if (m[2] === 'err') c.stderr = text;
        else c.exitCode = Number(text.trim());
      }
    }
    return new FixtureTransport({
      name: typeof meta.name === 'string' ? meta.name : basename(dir),
      files,
      cmds,
      denied: Array.isArray(meta.denied) ? (meta.denied as string[]) : [],
      roles: Array.isArray(meta.roles) ? (meta.roles as string[]) : [],
      publicIp: typeof meta.public_ip === 'string' ? meta.public_ip : null,
    });
  }

  get roles(): string[] {
    return this.spec.roles ?? [];
  }

  get publicIp(): string | null {
    return this.spec.publicIp ?? null;
  }

  async run(script: string): Promise<RunResult> {
    throw new GwsecError('transport_unsupported', { en: `${this.id} executes nothing; asked to run: ${script.split('\n')[0]}`, zh: `${this.id} 不执行任何命令；被要求执行：${script.split('\n')[0]}` });
  }

  async close(): Promise<void> {}

  /** Commands asked for that the fixture has no recording of. */
  unrecorded(): string[] {
    return [...this.asked];
  }

  answer(requests: Request[]): RawAnswers {
    const a = emptyAnswers();
    for (const r of requests) {
      switch (r.kind) {
        case 'cmd': {
          const c = this.spec.cmds?.[r.name];
          if (!c) {
            this.asked.push(r.name);
            a.cmds.set(r.name, { stdout: '', stderr: `not recorded in ${this.id}: ${r.script}`, exitCode: -1, truncated: false, notRecorded: true });
          } else {
            a.cmds.set(r.name, { stdout: c.stdout, stderr: c.stderr ?? '', exitCode: c.exitCode ?? 0, truncated: false });
          }
          break;
        }
        case 'file':
          this.putFile(a, r.path);
          break;
        case 'glob': {
          const paths = this.glob(r.pattern);
          paths.forEach((p) => this.putFile(a, p));
          a.globs.set(r.pattern, paths);
          break;
        }
        case 'tree': {
          const order: string[] = [];
          this.walkTree(r.path, r.base, r.include, 0, order, a);
          a.trees.set(r.path, order);
          break;
        }
      }
    }
    return a;
  }

  private isDenied(path: string): boolean {
    return (this.spec.denied ?? []).some((d) => globToRegex(d).test(path));
  }

  private putFile(a: RawAnswers, path: string): void {
    if (this.isDenied(path)) {
      a.files.set(path, { status: 'denied', content: '', truncated: false });
      return;
    }
    const content = this.spec.files[path];
    a.files.set(path, content === undefined ? { status: 'absent', content: '', truncated: false } : { status: 'ok', content, truncated: false });
  }

  private glob(pattern: string): string[] {
    const re = globToRegex(pattern);
    return Object.keys(this.spec.files).filter((p) => re.test(p)).sort();
  }

  /** Mirrors gw_tree in script.ts: the file, then what its include lines name, depth first. */
  private walkTree(path: string, base: string, include: string, depth: number, order: string[], a: RawAnswers): void {
    if (depth > 8) return;
    this.putFile(a, path);
    if (!order.includes(path)) order.push(path);
    const content = this.spec.files[path];
    if (content === undefined || this.isDenied(path)) return;
    const { source, flags } = splitFlags(include);
    const re = new RegExp(source, flags);
    for (const line of content.split('\n')) {
      const m = re.exec(line);
      if (!m || m[1] === undefined) continue;
      for (let op of m[1].split(/\s+/).filter(Boolean)) {
        op = op.replace(/["';]/g, '');
        const p = op.startsWith('/') ? op : posix.join(base, op);
        for (const f of /[*?[]/.test(p) ? this.glob(p) : p in this.spec.files ? [p] : []) this.walkTree(f, base, include, depth + 1, order, a);
      }
    }
  }
}

