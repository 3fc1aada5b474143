// The layer map (.dependency-cruiser.cjs, docs/ARCHITECTURE.md) is enforced by dependency-cruiser in
// `npm test` (npm run depcheck). These tests hold the rule file to what it promises: it rejects a
// back edge planted in a copy of the real tree and in a small fixture tree (upward, between peers,
// I/O in the engine, module cycles, a folder outside the map, product -> test), it passes the real
// tree, and the docs list the same layers.
import test from 'ava';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { packageRoot } from '../../src/util/paths.js';
import { scaled } from '../helpers/time.js';

const ROOT = packageRoot();
const RULES = join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

interface Violation {
  from: string;
  to: string;
  rule: { name: string; severity: string };
}

function run(cwd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [DEPCRUISE, ...args, '--config', RULES], { cwd, maxBuffer: 256 * 1024 * 1024, timeout: scaled(180_000) }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

/** The violations dependency-cruiser finds with the project's rule file in `cwd` over `paths`. */
async function cruise(cwd: string, paths: string[]): Promise<Violation[]> {
  const r = await run(cwd, [...paths, '--output-type', 'json']);
  try {
    return (JSON.parse(r.stdout) as { summary: { violations: Violation[] } }).summary.violations;
  } catch {
    throw new Error(`dependency-cruiser gave no JSON (exit ${r.code}): ${r.stderr}`);
  }
}

const edges = (vs: Violation[]): string[] => vs.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();

function tempTree(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'gwsec-layers-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function write(dir: string, files: Record<string, string>): void {
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
}

test.serial('the real tree keeps the layer map', async (t) => {
  t.deepEqual(edges(await cruise(ROOT, ['src', 'cli', 'agents'])), []);
});

test.serial('a back edge planted in a copy of the real tree is rejected (the engine importing a deriver)', async (t) => {
  const dir = tempTree(t);
  for (const p of ['src', 'cli', 'agents', 'tsconfig.json', 'package.json']) cpSync(join(ROOT, p), join(dir, p), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  appendFileSync(join(dir, 'src/engine/fleet.ts'), "\nimport { fleetSeparation } from '../facts/separation.js';\nvoid fleetSeparation;\n");
  // separation.ts imports the engine's FleetHost type, so the planted edge also closes a cycle.
  t.deepEqual(edges(await cruise(dir, ['src', 'cli', 'agents'])), [
    'engine-pure: src/engine/fleet.ts -> src/facts/separation.ts',
    'layer-src-engine: src/engine/fleet.ts -> src/facts/separation.ts',
    'no-circular: src/engine/fleet.ts -> src/facts/separation.ts',
  ]);
});

test.serial('the rule file rejects each kind of back edge and passes downward imports', async (t) => {
  const dir = tempTree(t);
  write(dir, {
    'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true }, include: ['**/*.ts'] }),
    'package.json': JSON.stringify({ name: 'fixture', type: 'module' }),
    'src/model/check.ts': 'export type Check = { id: string };\n',
    // allowed: downward, and inside a folder
    'src/app/ok.ts': "import type { Check } from '../model/check.js';\nimport { helper } from './helper.js';\nexport const ok = (c: Check) => helper(c.id);\n",
    'src/app/helper.ts': 'export const helper = (s: string) => s;\n',
    'cli/main.ts': "import { ok } from '../src/app/ok.js';\nexport const main = ok;\n",
    // upward: the transport knowing a collector
    'src/collectors/types.ts': 'export type Request = { kind: string };\n',
    'src/transport/fixture.ts': "import type { Request } from '../collectors/types.js';\nexport const answer = (r: Request) => r.kind;\n",
    // between peers of one layer
    'agents/agent/install.ts': 'export const installProgram = () => 1;\n',
    'agents/collector/install.ts': "import { installProgram } from '../agent/install.js';\nexport const install = installProgram;\n",
    // the engine doing I/O, directly and through a util module
    'src/util/fs.ts': "import { writeFileSync } from 'node:fs';\nexport const save = (p: string) => writeFileSync(p, '');\n",
    'src/util/ip.ts': 'export const isIp = (s: string) => s.includes(".");\n',
    'src/engine/paths.ts': "import { isIp } from '../util/ip.js';\nexport const lookup = isIp;\n",
    'src/engine/evaluate.ts': "import { readFileSync } from 'node:fs';\nexport const read = (p: string) => readFileSync(p, 'utf8');\n",
    'src/engine/fleet.ts': "import { save } from '../util/fs.js';\nexport const fleet = save;\n",
    // a module cycle inside one folder
    'src/report/index.ts': "import { text } from './text.js';\nexport const formats = [text];\nexport type Options = { lang: string };\n",
    'src/report/text.ts': "import type { Options } from './index.js';\nexport const text = (o: Options) => o.lang;\n",
    // a folder the map does not place
    'src/newthing/x.ts': "import type { Check } from '../model/check.js';\nexport type X = Check;\n",
    // the product importing test code
    'src/audit/audit.ts': "import { fixtureHost } from '../../test/helpers/hosts.js';\nexport const audit = fixtureHost;\n",
    'test/helpers/hosts.ts': 'export const fixtureHost = () => "web-01";\n',
  });
  t.deepEqual(edges(await cruise(dir, ['src', 'cli', 'agents'])), [
    'engine-no-io: src/engine/evaluate.ts -> fs',
    'engine-no-io: src/engine/fleet.ts -> fs', // reached through src/util/fs.ts
    'engine-pure: src/engine/evaluate.ts -> fs',
    'layer-agents-collector: agents/collector/install.ts -> agents/agent/install.ts',
    'layer-src-transport: src/transport/fixture.ts -> src/collectors/types.ts',
    'no-circular: src/report/index.ts -> src/report/text.ts',
    'product-not-tests: src/audit/audit.ts -> test/helpers/hosts.ts',
    'unlayered-folder: src/newthing/x.ts -> src/model/check.ts',
  ]);
  // What `npm run depcheck` runs: the terminal report names the rule and the edge, and the exit code fails `npm test`.
  const r = await run(dir, ['src', 'cli', 'agents', '--output-type', 'err']);
  t.not(r.code, 0);
  t.regex(r.stdout, /error layer-src-transport: src\/transport\/fixture\.ts → src\/collectors\/types\.ts/);
});

test.serial('docs/ARCHITECTURE.md shows the layers the rule file enforces, in the same order', (t) => {
  const layers = (createRequire(import.meta.url)(RULES) as { LAYERS: string[][] }).LAYERS;
  t.true(layers.length >= 10);
  const doc = readFileSync(join(ROOT, 'docs', 'ARCHITECTURE.md'), 'utf8');
  const start = doc.indexOf('<!-- layers:begin -->');
  const end = doc.indexOf('<!-- layers:end -->');
  t.true(start >= 0 && end > start, 'docs/ARCHITECTURE.md marks its layer table with <!-- layers:begin --> … <!-- layers:end -->');
  const rows = doc
    .slice(start, end)
    .split('\n')
    .filter((l) => /^\|\s*\d+\s*\|/.test(l))
    .map((l) => [...l.split('|')[2]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
  t.deepEqual(rows, layers);
});
