/**
 * A real rsyslog (Debian rsyslog + rsyslog-gnutls) as the SIEM: its own config in a temp dir, a TLS
 * listener (imtcp, gtls driver, octet-counted framing) on a free loopback port, everything it
 * receives written by omfile with one line per message. Started and stopped by pid.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { scaled, sleep } from './time.js';

export function rsyslogUnavailable(): string | null {
  if (spawnSync('rsyslogd', ['-v']).error) return 'rsyslogd not found (apt-get install rsyslog)';
  const gtls = spawnSync('sh', ['-c', 'ls /usr/lib/*/rsyslog/lmnsd_gtls.so /usr/lib/rsyslog/lmnsd_gtls.so 2>/dev/null'], { encoding: 'utf8' }).stdout.trim();
  if (!gtls) return 'rsyslog TLS driver lmnsd_gtls.so not found (apt-get install rsyslog-gnutls)';
  return null;
}

export interface Rsyslog {
  port: number;
  dir: string;
  received(): string[];
  stop(): Promise<void>;
}


/** `tls`: the CA, certificate and key (PEM) rsyslog presents. */
export async function startRsyslog(tls: { caPem: string; certPem: string; keyPem: string }): Promise<Rsyslog> {
  const dir = mkdtempSync(join(tmpdir(), 'gwsec-rsyslog-'));
  for (const [f, v] of [['ca.pem', tls.caPem], ['cert.pem', tls.certPem], ['key.pem', tls.keyPem]] as const) writeFileSync(join(dir, f), v, { mode: 0o600 });
  const port = await freePort();
  const out = join(dir, 'received.log');
  writeFileSync(join(dir, 'rsyslog.conf'), `
global(workDirectory="${dir}" DefaultNetstreamDriver="gtls" DefaultNetstreamDriverCAFile="${dir}/ca.pem" DefaultNetstreamDriverCertFile="${dir}/cert.pem" DefaultNetstreamDriverKeyFile="${dir}/key.pem")
module(load="imtcp" StreamDriver.Name="gtls" StreamDriver.Mode="1" StreamDriver.AuthMode="anon")
input(type="imtcp" address="127.0.0.1" port="${port}" SupportOctetCountedFraming="on")
template(name="fields" type="list") {
  property(name="syslogseverity-text") constant(value="|") property(name="syslogfacility-text") constant(value="|")
  property(name="hostname") constant(value="|") property(name="app-name") constant(value="|") property(name="msgid") constant(value="|")
  property(name="structured-data") constant(value="|") property(name="msg") constant(value="\\n")
}
*.* action(type="omfile" file="${out}" template="fields")
`);
  const child: ChildProcess = spawn('rsyslogd', ['-n', '-f', join(dir, 'rsyslog.conf'), '-i', join(dir, 'rsyslog.pid')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const end = Date.now() + scaled(15_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`rsyslogd exited: ${log}`);
    const ok = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        r(true);
      });
      s.on('error', () => r(false));
    });
    if (ok) break;
    if (Date.now() > end) throw new Error(`rsyslogd did not listen on ${port}: ${log}`);
    await sleep(100);
  }
  return {
    port,
    dir,
    received: () => (existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean) : []),
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
