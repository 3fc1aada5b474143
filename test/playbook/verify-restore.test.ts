import test from 'ava';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { IncidentStore } from '../../src/incident/store.js';
import { playbookRun } from '../../src/app/playbook.js';
import { resolvePlaybook } from '../../src/playbook/load.js';
import { captureIo, runOptions, tempDir } from './helpers.js';

const GOOD = '<html><body><h1>某州人民政府门户网站</h1></body></html>\n';
const DEFACED = '<html><body><h1>hacked by x</h1></body></html>\n';
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

function curlPresent(t: import('ava').ExecutionContext): boolean {
  try {
    execFileSync('curl', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI) t.fail('curl is required in CI (.ci/run installs it)');
    else t.log('SKIPPED: curl is not installed');
    t.pass();
    return false;
  }
}

/** A real HTTP server on its own free port, serving whatever `page()` says; stopped by the test. */
async function server(t: import('ava').ExecutionContext, page: () => { status: number; body: string }): Promise<{ url: string; srv: Server }> {
  const srv = createServer((_req, res) => {
    const p = page();
    res.writeHead(p.status, { 'content-type': 'text/html; charset=utf-8' }).end(p.body);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => srv.close(() => r())));
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/index.html`, srv };
}

/** The shipped web-defacement playbook's own verify-restore step, alone in a playbook (the exact script). */
async function stepPlaybook(dir: string): Promise<string> {
  const { playbook } = await resolvePlaybook('web-defacement');
  const step = playbook.steps.find((s) => s.id === 'verify-restore')!;
  const file = join(dir, 'verify-restore-only.yaml');
  await writeFile(file, stringify({ id: 'verify-restore-only', version: 1, title: playbook.title, description: playbook.description, incident_types: playbook.incident_types, variables: playbook.variables, steps: [{ ...step, on_failure: 'fail' }] }));
  return file;
}

async function run(t: import('ava').ExecutionContext, dir: string, vars: string[]) {
  const inc = join(dir, `inc-${Math.random().toString(16).slice(2)}`);
  const io = captureIo();
  const code = await playbookRun(runOptions({ ref: await stepPlaybook(dir), incidents: inc, unit: '某州人民政府办公室', operatorClass: 'other', vars }), io);
  const store = new IncidentStore(inc);
  const [s] = await store.list();
  const ev = s!.evidence.find((e) => e.step === 'verify-restore')!;
  const evidence = (await store.accessEvidence(s!.id, ev.item)).content.toString('utf8');
  return { code, s: s!, evidence, out: io.stdout.join('') };
}

test('verify-restore passes only on HTTP 200 with the page equal to the recorded good state', async (t) => {
  if (!curlPresent(t)) return;
  const dir = await tempDir(t);
  const { url } = await server(t, () => ({ status: 200, body: GOOD }));
  const r = await run(t, dir, [`site_url=${url}`, `good_sha256=${sha(GOOD)}`]);
  t.is(r.code, 0, r.out);
  t.is(r.s.steps.get('verify-restore')!.completed!.outcome, 'success');
  t.regex(r.evidence, /http: 200/);
  t.regex(r.evidence, new RegExp(`sha256 served: {3}${sha(GOOD)}`));
  t.regex(r.evidence, /OK: HTTP 200 and the page equals the recorded good state/);
  // The good state given as the trusted copy's file instead of its hash.
  await writeFile(join(dir, 'index.html'), GOOD);
  const f = await run(t, dir, [`site_url=${url}`, `good_file=${join(dir, 'index.html')}`]);
  t.is(f.code, 0, f.out);
});

test('verify-restore fails, with evidence, when the page is still defaced, not 200, unreachable, or no good state is recorded', async (t) => {
  if (!curlPresent(t)) return;
  const dir = await tempDir(t);
  let page = { status: 200, body: DEFACED };
  const { url, srv } = await server(t, () => page);

  const defaced = await run(t, dir, [`site_url=${url}`, `good_sha256=${sha(GOOD)}`]);
  t.is(defaced.code, 1);
  t.is(defaced.s.steps.get('verify-restore')!.completed!.outcome, 'failure');
  t.regex(defaced.evidence, /FAIL: the page served differs from the recorded good state/);
  t.regex(defaced.evidence, /hacked by x/, 'the served page is kept as evidence');

  page = { status: 503, body: GOOD };
  const down = await run(t, dir, [`site_url=${url}`, `good_sha256=${sha(GOOD)}`]);
  t.is(down.code, 1);
  t.regex(down.evidence, /FAIL: HTTP 503, not 200/);

  page = { status: 200, body: GOOD };
  const none = await run(t, dir, [`site_url=${url}`]);
  t.is(none.code, 1);
  t.regex(none.evidence, /FAIL: no recorded good state/);

  await new Promise<void>((r) => srv.close(() => r()));
  const gone = await run(t, dir, [`site_url=${url}`, `good_sha256=${sha(GOOD)}`]);
  t.is(gone.code, 1);
  t.regex(gone.evidence, /http: 000/);
  t.regex(gone.evidence, /FAIL: unreachable: curl: \(7\)/);
});
