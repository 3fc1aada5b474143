import type { ExecutionContext } from 'ava';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Report, Result } from '../../src/model/result.js';
import { emptySummary } from '../../src/model/status.js';
import { gwsec } from '../helpers/cli.js';
import { packageRoot } from '../../src/util/paths.js';
import { reportJson } from '../helpers/wire.js';

export const FIXTURES = join(packageRoot(), 'test', 'fixtures', 'hosts');
export const SCHEMAS = join(packageRoot(), 'test', 'fixtures', 'schemas');

export async function tempDir(t: ExecutionContext, prefix = 'gwsec-report-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A binary the test needs. Absent on a developer machine: the test says so and passes as skipped;
 * absent in CI (process.env.CI set): the test fails, because CI must never skip.
 */
export function haveBinary(t: ExecutionContext, path: string, pkg: string): boolean {
  if (existsSync(path)) return true;
  if (process.env.CI) t.fail(`${path} is missing: .ci/run must install ${pkg}`);
  else t.log(`SKIPPED: ${path} is missing (apt-get install ${pkg})`);
  if (!process.env.CI) t.pass();
  return false;
}

/** A real report: the CLI audits recorded hosts and writes JSON (the neglected host fails a lot). */
export async function fixtureReport(t: ExecutionContext, hosts = ['centos7-web-neglected', 'debian12-web-hardened'], extra: string[] = []): Promise<{ report: Report; file: string; dir: string }> {
  const dir = await tempDir(t);
  const file = join(dir, 'r.json');
  const r = gwsec(['audit', ...hosts.flatMap((h) => ['--fixture', join(FIXTURES, h)]), '--report', `json:${file}`, ...extra]);
  t.true(r.code === 0 || r.code === 1, r.stderr);
  return { report: reportJson(await readFile(file, 'utf8')), file, dir };
}

/** Strings that break naive XML/HTML/Markdown writers. */
export const HOSTILE = `<script>alert(1)</script> & "quotes" 'apos' ]]> <!-- --> | pipe \u0000nul \u001bESC \uD800lone 网站 🔒`;

/** A hand-made report whose every free-text field is hostile. */
export function hostileReport(): Report {
  const r: Result = {
    check: 'a40-7-ssh-root-login-disabled',
    host: `web-01${HOSTILE}`,
    status: 'fail',
    severity: 'high',
    article: '40.7',
    title: { zh: `标题${HOSTILE}`, en: `Title${HOSTILE}` },
    evidence: [{ fact: 'sshd.effective.permitrootlogin', actual: HOSTILE, op: 'eq', expected: 'no', status: 'fail', source: [`file: /etc/ssh/sshd_config:12`], message: { zh: `说明${HOSTILE}`, en: HOSTILE } }],
  };
  const summary = { ...emptySummary(), fail: 1 };
  return {
    schemaVersion: 2,
    tool: { name: 'gwsec', version: '0.0.0-test' },
    generatedAt: '2026-12-07T00:00:00.000Z',
    pack: { id: 'article40', version: '1.0.0' },
    hosts: [{ name: r.host, transport: 'fixture:x', platform: { os: 'linux', pretty: HOSTILE }, durationMs: 5, status: 'ok' }],
    results: [r],
    summary,
  };
}
