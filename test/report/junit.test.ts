import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatJunit } from '../../src/report/junit.js';
import { gwsec } from '../helpers/cli.js';
import { FIXTURES, HOSTILE, SCHEMAS, fixtureReport, haveBinary, hostileReport, tempDir } from './helpers.js';

const XMLLINT = '/usr/bin/xmllint';
const XSD = join(SCHEMAS, 'jenkins-junit.xsd');

function xmllint(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(XMLLINT, args, { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('covers format: junit — a real audit validates against the published JUnit XSD and counts like the report', async (t) => {
  if (!haveBinary(t, XMLLINT, 'libxml2-utils')) return;
  const { dir, report } = await fixtureReport(t);
  const out = join(dir, 'r.xml');
  const r = gwsec(['audit', '--fixture', join(FIXTURES, 'centos7-web-neglected'), '--fixture', join(FIXTURES, 'debian12-web-hardened'), '--report', `junit:${out}`]);
  t.is(r.code, 1, r.stderr);
  const v = xmllint(['--noout', '--schema', XSD, out]);
  t.is(v.code, 0, v.err);
  const count = (xpath: string) => Number(execFileSync(XMLLINT, ['--xpath', xpath, out], { encoding: 'utf8' }));
  const str = (file: string, xpath: string) => execFileSync(XMLLINT, ['--xpath', xpath, file], { encoding: 'utf8' }).replace(/\n$/, '');
  t.is(count('count(//testsuite)'), new Set(report.results.map((r) => r.host)).size, 'one suite per host plus fleet');
  t.is(count('count(//testcase)'), report.results.length);
  t.is(count('count(//testcase/failure)'), report.summary.fail);
  t.is(count('sum(//testsuite/@failures)'), report.summary.fail);
  t.is(count('count(//testcase/skipped)'), report.summary.manual + report.summary.not_applicable + report.summary.waived);
  // A failure says which check, its severity and the evidence that decided it.
  const text = str(out, 'string(//testcase[starts-with(@name,"a40-2-os-supported")]/failure)');
  t.regex(text, /os\.release_key = "centos:7"/);
  t.is(str(out, 'string(//testcase[starts-with(@name,"a40-2-os-supported")]/failure/@type)'), 'high');
});

test('junit escapes hostile strings: the XML stays well-formed and valid, and the text reads back unchanged', async (t) => {
  if (!haveBinary(t, XMLLINT, 'libxml2-utils')) return;
  const dir = await tempDir(t);
  const file = join(dir, 'h.xml');
  await writeFile(file, formatJunit(hostileReport(), { lang: 'en', color: false }));
  const v = xmllint(['--noout', '--schema', XSD, file]);
  t.is(v.code, 0, v.err);
  const xml = await readFile(file, 'utf8');
  t.false(xml.includes('<script>'), 'markup is escaped');
  // Characters XML 1.0 cannot carry become U+FFFD; everything else survives a real parser.
  const readable = ['\u0000', '\u001b', '\uD800'].reduce((s, c) => s.replaceAll(c, '\uFFFD'), HOSTILE);
  const read = (xpath: string) => execFileSync(XMLLINT, ['--xpath', xpath, file], { encoding: 'utf8' }).replace(/\n$/, '');
  const host = read('string(//testsuite/@name)');
  t.is(host, `web-01${readable}`);
  t.is(read('string(//failure/@message)'), `[high] Title${readable}`);
});

test('a host that could not be audited is a JUnit error, so CI never reads it as green', (t) => {
  const rep = hostileReport();
  rep.results = [];
  rep.summary.fail = 0;
  rep.hosts = [{ name: 'web-02', transport: 'ssh:web-02', platform: { os: 'unknown' }, durationMs: 10, status: 'unreachable', error: { code: 'transport_connect_error', message: 'connect ECONNREFUSED 10.0.0.2:22' } }];
  const xml = formatJunit(rep, { lang: 'en', color: false });
  t.regex(xml, /<testsuite name="web-02" tests="1" failures="0" errors="1"/);
  t.regex(xml, /<error type="unreachable" message="connect ECONNREFUSED 10.0.0.2:22">/);
});
