/**
 * A throwaway PostgreSQL 15 cluster for a test: initdb in a temp dir as the unprivileged `postgres`
 * user (setpriv), a unix socket in that dir only (listen_addresses '' — no TCP port to collide on),
 * started and stopped by pid. Absent binaries: a skip message on a developer machine, a failure
 * under CI (CI installs postgresql-15 through .ci/run and must never skip).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { scaled, sleep } from './time.js';

export const PG_BIN = '/usr/lib/postgresql/15/bin';

export interface PgCluster {
  dir: string;
  host: string;
  port: number;
  user: string;
  pid(): number;
  /** A fresh database on this cluster; its connection settings. */
  createDatabase(name: string): Promise<{ host: string; port: number; user: string; database: string }>;
  /** Fast shutdown (SIGINT) and wait. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stop, then remove the temp dir. */
  destroy(): Promise<void>;
}

/** Why PostgreSQL cannot run here, or null when it can. */
export function pgUnavailable(): string | null {
  if (!existsSync(join(PG_BIN, 'initdb')) || !existsSync(join(PG_BIN, 'postgres'))) return `PostgreSQL 15 binaries not found in ${PG_BIN} (apt-get install postgresql-15)`;
  if (spawnSync('id', ['-u', 'postgres']).status !== 0) return 'no "postgres" user to run the server as';
  if (spawnSync('setpriv', ['--version']).status !== 0) return 'setpriv (util-linux) not found';
  return null;
}

/** For a test: true means go on; false means it was skipped (message logged). Under CI absence fails. */
export function requirePg(t: { log: (m: string) => void; fail: (m: string) => void; pass: (m?: string) => void }): boolean {
  const why = pgUnavailable();
  if (!why) return true;
  if (process.env.CI) t.fail(`CI must run the PostgreSQL tests: ${why}`);
  else {
    t.log(`SKIPPED: ${why}`);
    t.pass();
  }
  return false;
}

const asPostgres = ['--reuid', 'postgres', '--regid', 'postgres', '--init-groups', '--'];

export async function startPg(): Promise<PgCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'gwsec-pg-'));
  const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  chownSync(dir, uid, gid);
  const data = join(dir, 'data');
  const user = 'gwsec';
  const init = spawnSync('setpriv', [...asPostgres, join(PG_BIN, 'initdb'), '-D', data, '-U', user, '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions'], { encoding: 'utf8', cwd: dir });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = 20000 + Math.floor(Math.random() * 40000);
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async () => {
    const c = spawn(
      'setpriv',
      [...asPostgres, join(PG_BIN, 'postgres'), '-D', data, '-p', String(port), '-k', dir, '-c', "listen_addresses=", '-c', 'max_connections=200', '-c', 'shared_buffers=32MB'],
      { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let log = '';
    c.stderr!.on('data', (b: Buffer) => (log = (log + b.toString()).slice(-4000)));
    exited = new Promise((r) => c.once('exit', () => r()));
    child = c;
    const end = Date.now() + scaled(30_000);
    for (;;) {
      if (c.exitCode !== null) throw new Error(`postgres exited at start: ${log}`);
      const client = new pg.Client({ host: dir, port, user, database: 'postgres' });
      try {
        await client.connect();
        await client.end();
        return;
      } catch {
        await client.end().catch(() => undefined);
      }
      if (Date.now() > end) throw new Error(`postgres did not accept connections: ${log}`);
      await sleep(100);
    }
  };
  const stop = async () => {
    // setpriv execs postgres: the child's pid is the postmaster's.
    if (child && child.exitCode === null) {
      child.kill('SIGINT');
      await exited;
    }
  };
  await start();
  return {
    dir,
    host: dir,
    port,
    user,
    pid: () => child?.pid ?? -1,
    async createDatabase(name) {
      const c = new pg.Client({ host: dir, port, user, database: 'postgres' });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      } finally {
        await c.end();
      }
      return { host: dir, port, user, database: name };
    },
    stop,
    start,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
