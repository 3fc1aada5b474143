import type { Bilingual } from '../model/status.js';
import { readFileSync } from 'node:fs';
import { Client, type AnyAuthMethod, type ClientChannel, type ConnectConfig } from 'ssh2';
import { GwsecError } from '../model/errors.js';
import { appendKnownHost, checkHostKey, fingerprint, keyType, loadKnownHosts } from './known-hosts.js';
import type { HostKeyEvent, RunOptions, RunResult, Transport } from './types.js';
import { decode } from './local.js';

/**
 * SSH transport on ssh2: one connection per host, strict host-key checking against known_hosts
 * (ssh2 checks nothing unless given a hostVerifier), agent / key / password / keyboard-interactive
 * auth, ProxyJump chains, keepalive, and sudo with the password on stdin — never in argv or in the
 * remote environment.
 */
export interface SshEndpoint {
  name: string; // inventory name, for messages
  host: string;
  port: number;
  user: string;
  identityFiles: string[];
}

export interface SshOptions {
  knownHostsFile: string;
  acceptNewHostKeys?: boolean;
  connectTimeoutMs?: number;
  keepaliveMs?: number;
  agentSocket?: string;
  /** Login password (GWSEC_SSH_PASSWORD): used for password and keyboard-interactive auth. */
  password?: string;
  jumps?: SshEndpoint[]; // ProxyJump chain, outermost first
  /** Told of every host key trusted on the way (evidence of identity; accepted keys go in the report). */
  onHostKey?: (k: HostKeyEvent) => void;
}

export interface SudoSpec {
  mode: 'nopasswd' | 'password';
  password?: string;
}

export class SshTransport implements Transport {
  readonly id: string;
  private closed = false;
  private sudoRefused: Bilingual | undefined;

  private constructor(
    private readonly clients: Client[],
    private readonly endpoint: SshEndpoint,
    private readonly sudo: SudoSpec | undefined,
  ) {
    this.id = `ssh:${endpoint.name}`;
  }

  static async connect(endpoint: SshEndpoint, o: SshOptions, sudo?: SudoSpec): Promise<SshTransport> {
    const clients: Client[] = [];
    try {
      let sock: NodeJS.ReadableStream | undefined;
      for (const hop of [...(o.jumps ?? []), endpoint]) {
        const c = await connectOne(hop, o, sock, hop === endpoint);
        clients.push(c);
        if (hop !== endpoint) sock = await forward(c, hopAfter(o.jumps ?? [], endpoint, hop));
      }
      return new SshTransport(clients, endpoint, sudo);
    } catch (e) {
      clients.reverse().forEach((c) => c.end());
      throw e;
    }
  }

  async run(script: string, o: RunOptions = {}): Promise<RunResult> {
    const started = performance.now();
    const client = this.clients[this.clients.length - 1]!;
    const wantSudo = o.sudo && this.sudo;
    const attempt = async (pty: boolean): Promise<RunResult> => {
      let cmd = '/bin/sh -s';
      let input = script;
      if (wantSudo) {
        if (this.sudo!.mode === 'nopasswd') cmd = 'sudo -n -- /bin/sh -s';
        else {
          if (!this.sudo!.password) throw new GwsecError('transport_sudo_error', {
              en: `${this.endpoint.name}: sudo needs a password (GWSEC_SUDO_PASSWORD, --sudo-askpass or the prompt)`,
              zh: `${this.endpoint.name}：sudo 需要密码（通过 GWSEC_SUDO_PASSWORD、--sudo-askpass 或交互输入提供）`,
            });
          // -S: password from stdin; -p '': no prompt text mixed into the output. sudo reads the
          // password line byte by byte, so the script that follows on stdin reaches sh intact.
          cmd = "sudo -S -p '' -- /bin/sh -s";
          input = `${this.sudo!.password}\n${script}`;
        }
      }
      // requiretty: a pty, with echo and line buffering off so the script is neither echoed nor cut at 4 KiB lines.
      if (pty) cmd = `stty -echo -icanon 2>/dev/null; ${cmd}`;
      const r = await execOnce(client, cmd, input, pty, o.timeoutMs).catch((e: GwsecError) => {
        const name = this.endpoint.name;
        throw new GwsecError(e.code, { en: `${name}: ${e.message}`, zh: `${name}：${e.zh ?? e.message}` });
      });
      return { ...r, durationMs: performance.now() - started };
    };
    let r = await attempt(false);
    if (wantSudo) {
      if (sudoFailure(r.stderr) === 'requiretty') r = await attempt(true);
      const refused = r.exitCode !== 0 ? sudoFailure(r.stdout + r.stderr) : null;
      if (refused) {
        // Collect what an unprivileged account can read: root-only facts then come back as
        // permission_denied (error), everything else is still judged.
        const m = SUDO_MESSAGES[refused];
        this.sudoRefused = { en: `${this.endpoint.name}: ${m.en}; collected without sudo`, zh: `${this.endpoint.name}：${m.zh}，已以非特权身份采集` };
        const plain = await new SshTransport(this.clients, this.endpoint, undefined).run(script, { ...o, sudo: false });
        return { ...plain, notice: this.sudoRefused, durationMs: performance.now() - started };
      }
    }
    return r;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const c of [...this.clients].reverse()) c.end();
  }
}

type SudoFailure = 'wrong_password' | 'not_in_sudoers' | 'password_required' | 'requiretty';
const SUDO_MESSAGES: Record<SudoFailure, Bilingual> = {
  wrong_password: { en: 'sudo refused the password', zh: 'sudo 密码错误' },
  not_in_sudoers: { en: 'the account may not use sudo (not in sudoers)', zh: '该账户无 sudo 权限（不在 sudoers 中）' },
  password_required: { en: 'sudo asks for a password but none was given', zh: 'sudo 需要密码，但未提供' },
  requiretty: { en: 'sudo requires a terminal (requiretty) and refused even with one', zh: 'sudo 要求终端（requiretty），分配终端后仍被拒绝' },
};

export function sudoFailure(text: string): SudoFailure | null {
  if (/you must have a tty|sorry, you must have a tty/i.test(text)) return 'requiretty';
  if (/is not in the sudoers file|not allowed to run sudo|may not run sudo/i.test(text)) return 'not_in_sudoers';
  if (/incorrect password attempt|Sorry, try again/i.test(text)) return 'wrong_password';
  if (/a password is required|no password was provided|a terminal is required/i.test(text)) return 'password_required';
  return null;
}

function hopAfter(jumps: SshEndpoint[], target: SshEndpoint, hop: SshEndpoint): SshEndpoint {
  const i = jumps.indexOf(hop);
  return jumps[i + 1] ?? target;
}

function connectOne(hop: SshEndpoint, o: SshOptions, sock: NodeJS.ReadableStream | undefined, target: boolean): Promise<Client> {
  return new Promise((resolve, reject) => {
    const c = new Client();
    let hostKeyProblem: GwsecError | undefined;
    const verify = (key: Buffer): boolean => {
      const verdict = checkHostKey(loadKnownHosts(o.knownHostsFile), hop.host, hop.port, key);
      const fp = fingerprint(key);
      if (verdict === 'match') {
        o.onHostKey?.({ host: hop.name, type: keyType(key), fingerprint: fp, accepted: false, target });
        return true;
      }
      if (verdict === 'unknown' && o.acceptNewHostKeys) {
        appendKnownHost(o.knownHostsFile, hop.host, hop.port, key);
        o.onHostKey?.({ host: hop.name, type: keyType(key), fingerprint: fp, accepted: true, target });
        return true;
      }
      hostKeyProblem =
        verdict === 'unknown'
          ? new GwsecError('transport_hostkey_unknown', {
              en: `${hop.name}: host key ${keyType(key)} ${fp} is not in ${o.knownHostsFile}; verify it out of band, then add it (ssh-keyscan) or run once with --accept-new-host-keys`,
              zh: `${hop.name}：主机密钥 ${keyType(key)} ${fp} 不在 ${o.knownHostsFile} 中；请通过其他渠道核对后添加（ssh-keyscan），或以 --accept-new-host-keys 运行一次`,
            })
          : verdict === 'revoked'
            ? new GwsecError('transport_hostkey_revoked', { en: `${hop.name}: host key ${fp} is marked @revoked`, zh: `${hop.name}：主机密钥 ${fp} 已标记为吊销（@revoked）` })
            : new GwsecError('transport_hostkey_changed', {
                en: `${hop.name}: HOST KEY CHANGED — presented ${keyType(key)} ${fp} differs from ${o.knownHostsFile}; possible man-in-the-middle, refusing (never accepted automatically)`,
                zh: `${hop.name}：主机密钥已变化——对方出示的 ${keyType(key)} ${fp} 与 ${o.knownHostsFile} 中的记录不符，可能存在中间人攻击，拒绝连接（变化的密钥从不自动接受）`,
              });
      return false;
    };
    const auth: AnyAuthMethod[] = [];
    const agent = o.agentSocket ?? process.env.SSH_AUTH_SOCK;
    if (agent) auth.push({ type: 'agent', username: hop.user, agent });
    for (const f of hop.identityFiles) {
      try {
        auth.push({ type: 'publickey', username: hop.user, key: readFileSync(f) });
      } catch {
        /* a missing IdentityFile is skipped, as ssh(1) does */
      }
    }
    if (o.password) {
      auth.push({ type: 'password', username: hop.user, password: o.password });
      auth.push({
        type: 'keyboard-interactive',
        username: hop.user,
        prompt: (_n, _i, _l, prompts, finish) => finish(prompts.map(() => o.password!)),
      });
    }
    const cfg: ConnectConfig = {
      host: hop.host,
      port: hop.port,
      username: hop.user,
      readyTimeout: o.connectTimeoutMs ?? 10_000,
      keepaliveInterval: o.keepaliveMs ?? 10_000,
      keepaliveCountMax: 3,
      hostVerifier: verify,
      authHandler: auth.length ? auth : ['none'],
      ...(sock ? { sock: sock as ConnectConfig['sock'] } : {}),
    };
    // Nagle off from the first byte: with it on, the handshake's small writes meet the server's
    // delayed ACK and stall ~40 ms per round (connect 80 ms → 35 ms measured), and later 50 execs
    // took 2.8 s instead of 0.4 s (DEPENDENCIES.md). A ProxyJump channel has no socket: a no-op.
    c.on('connect', () => c.setNoDelay(true));
    c.on('ready', () => resolve(c));
    c.on('error', (e: Error & { level?: string; code?: string }) => {
      if (hostKeyProblem) return reject(hostKeyProblem);
      if (e.level === 'client-authentication') {
        const tried = auth.map((a) => a.type).join(', ') || 'none';
        return reject(new GwsecError('transport_auth_error', { en: `${hop.name}: authentication failed for ${hop.user} (tried ${tried})`, zh: `${hop.name}：用户 ${hop.user} 认证失败（已尝试 ${tried}）` }));
      }
      if (e.level === 'client-timeout' || /Timed out/i.test(e.message)) return reject(new GwsecError('transport_timeout', { en: `${hop.name}: connect timed out`, zh: `${hop.name}：连接超时` }));
      const why = `${e.code ?? ''} ${e.message}`.replace(/\s+/g, ' ').trim();
      reject(new GwsecError('transport_connect_error', { en: `${hop.name}: ${why}`, zh: `${hop.name}：无法连接（${why}）` }));
    });
    c.connect(cfg);
  });
}

function forward(c: Client, next: SshEndpoint): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) =>
    c.forwardOut('127.0.0.1', 0, next.host, next.port, (err, stream) =>
      err ? reject(new GwsecError('transport_connect_error', { en: `ProxyJump to ${next.name} refused: ${err.message}`, zh: `经跳板机连接 ${next.name} 被拒绝：${err.message}` })) : resolve(stream),
    ),
  );
}

function execOnce(c: Client, cmd: string, input: string, pty: boolean, timeoutMs?: number): Promise<Omit<RunResult, 'durationMs'>> {
  return new Promise((resolve, reject) => {
    c.exec(cmd, pty ? { pty: { term: 'dumb', cols: 200, rows: 50 } } : {}, (err, ch: ClientChannel) => {
      if (err) return reject(new GwsecError('transport_exec_error', { en: `exec failed: ${err.message}`, zh: `命令执行失败：${err.message}` }));
      const out: Buffer[] = [];
      const errb: Buffer[] = [];
      let code: number | null = null;
      const timer = timeoutMs
        ? setTimeout(() => {
            ch.close();
            c.end(); // a hung host must not hold its slot: the deadline ends the connection
            reject(new GwsecError('transport_timeout', { en: `command did not finish within ${Math.round(timeoutMs / 1000)} s`, zh: `命令未在 ${Math.round(timeoutMs / 1000)} 秒内执行完毕` }));
          }, timeoutMs)
        : undefined;
      ch.on('data', (b: Buffer) => out.push(b));
      ch.stderr.on('data', (b: Buffer) => errb.push(b));
      ch.on('exit', (c2: number | null) => {
        code = c2;
      });
      ch.on('close', () => {
        clearTimeout(timer);
        let stdout = decode(Buffer.concat(out));
        if (pty) stdout = stdout.replace(/\r\n/g, '\n');
        resolve({ stdout, stderr: decode(Buffer.concat(errb)), exitCode: code ?? 255 });
      });
      ch.end(input);
    });
  });
}
