/* global module */
// The layer map of docs/ARCHITECTURE.md, enforced by dependency-cruiser (`npm run depcheck`, part of
// `npm test`). LAYERS is the one source of truth: lowest first; a folder may import its own layer's
// code and the layers below it. Folders that share a layer are peers and must not import each other,
// so no two folders can ever depend on each other (no cycles between folders). A test
// (test/architecture/layers.test.ts) plants a back edge and checks this file rejects it, and checks
// that docs/ARCHITECTURE.md lists the same layers.

/** @type {string[][]} each inner list: peer folders (or files) of one layer, as repository paths */
const LAYERS = [
  ['src/model/'],
  ['src/util/'],
  ['src/version.ts', 'src/i18n/'],
  ['src/engine/'],
  ['src/geo/', 'src/crypto/'],
  ['src/parsers/', 'src/journal/', 'src/protocol/'],
  ['src/transport/'],
  ['src/collectors/'],
  ['src/facts/'],
  ['src/policy/'],
  ['src/detect/', 'src/inventory/'],
  ['src/audit/'],
  ['src/report/'],
  ['src/incident/'],
  ['src/playbook/'],
  ['src/app/'],
  ['agents/common/'],
  ['agents/agent/', 'agents/collector/'],
  ['cli/'],
];

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const rx = (paths) => `^(${paths.map(esc).join('|')})`;
const slug = (p) => p.replace(/\/$/, '').replace(/[^a-z0-9]+/gi, '-');

const layerRules = [];
LAYERS.forEach((layer, i) => {
  const above = LAYERS.slice(i + 1).flat();
  for (const folder of layer) {
    const peers = layer.filter((p) => p !== folder);
    const forbidden = [...above, ...peers];
    if (forbidden.length === 0) continue;
    layerRules.push({
      name: `layer-${slug(folder)}`,
      comment: `${folder} is in layer ${i} of docs/ARCHITECTURE.md: it may import only its own code and layers 0..${i - 1}${peers.length ? ` (not its peers ${peers.join(', ')})` : ''}`,
      severity: 'error',
      from: { path: rx([folder]) },
      to: { path: rx(forbidden) },
    });
  }
});

/** Node built-ins that read or change the world; the evaluator must reach none of them. */
const IO_MODULES = ['fs', 'fs/promises', 'net', 'tls', 'http', 'https', 'http2', 'dgram', 'dns', 'child_process', 'cluster', 'worker_threads', 'os', 'process', 'readline', 'module', 'vm', 'inspector'];

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'engine-pure',
      comment: 'src/engine/ is the pure evaluator: it imports only src/engine/, src/model/ and src/util/, and nothing it reaches does I/O',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { pathNot: '^src/(engine|model|util)/' },
    },
    {
      name: 'engine-no-io',
      comment: 'src/engine/ must not reach a Node built-in that does I/O (directly or through what it imports)',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { reachable: true, path: `^(node:)?(${IO_MODULES.map(esc).join('|')})$` },
    },
    {
      name: 'no-circular',
      comment: 'no import cycles between modules either (a cycle inside a folder still means two modules that cannot be read apart)',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'product-not-tests',
      comment: 'the product (src/, cli/, agents/) never imports test/ or bench/ code',
      severity: 'error',
      from: { path: '^(src|cli|agents)/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'unlayered-folder',
      comment: 'every product folder has a place in the layer map (docs/ARCHITECTURE.md): add a new folder to LAYERS',
      severity: 'error',
      from: { path: '^(src|cli|agents)/', pathNot: rx(LAYERS.flat()) },
      to: {},
    },
    {
      name: 'no-unresolvable',
      comment: 'an import that resolves to nothing',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(build|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};

// For the test and docs parity check; not enumerable, so dependency-cruiser's schema never sees it.
Object.defineProperty(module.exports, 'LAYERS', { value: LAYERS, enumerable: false });
