import type { Bilingual } from '../src/model/status.js';
import { buildScript, DEFAULT_CMD_TIMEOUT_S, MAKE_SCRATCH, parseSections, SNIPPET_PRELUDE } from '../src/collectors/script.js';
import { emptyAnswers, type RawAnswers, type Request } from '../src/transport/requests.js';
import type { Collector, Deriver } from '../src/collectors/types.js';
import type { Check } from '../src/model/check.js';
import { plan } from '../src/audit/plan.js';
import type { AnsweredRequests, RequestAnswerer, RunOptions, RunResult, Transport } from '../src/transport/types.js';

/**
 * The baselines `npm run bench -- fleet` measures gwsec against, as a Transport decorator: wrapped
 * around the transport a user's run opens, it declares that it answers collection requests itself,
 * so collection asks it instead of running the one script, and it spends execs on the host the naive
 * way. The product knows nothing of it (test/bench/no-baselines-in-product.test.ts).
 *
 *  request — one exec per request: each command is its own exec, each file a `cat`; globs and
 *            include trees (several files each) one framed exec each. The kindest naive tool.
 *  inspec  — a model of the execs Chef InSpec spends on the same pack: platform detection once,
 *            then every control's resources run their commands again (Train's command cache is off
 *            by default), while each file is read once per host (Train's file cache is on) at the
 *            cost of two execs, `stat` and then the content. A model, not InSpec: it over-counts
 *            where an InSpec resource would parse a file instead of running a command.
 *
 * Both must yield the same answers as the one script; test/bench/naive-transport.test.ts holds them to it.
 */
export type NaiveMode = 'request' | 'inspec';

export const NAIVE_MODES: readonly NaiveMode[] = ['request', 'inspec'];

export class NaiveTransport implements Transport {
  readonly id: string;
  readonly requests: RequestAnswerer;
  /** Execs spent answering requests so far. */
  execs = 0;

  /** `groups`: inspec mode's requests of each check in pack order (inspecGroups); ignored by `request`. */
  constructor(
    private readonly inner: Transport,
    mode: NaiveMode,
    groups?: Request[][],
  ) {
    this.id = inner.id;
    this.requests = {
      answer: async (requests, o) => {
        const r = await collectNaive(inner, mode, mode === 'inspec' && groups ? only(groups, requests) : [requests], o);
        this.execs += r.execs;
        return r;
      },
    };
  }

  run(script: string, o?: RunOptions): Promise<RunResult> {
    return this.inner.run(script, o);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** `groups`: the requests of each check, in pack order (inspec); for `request`, one group of all. */
async function collectNaive(transport: Transport, mode: NaiveMode, groups: Request[][], o: { sudo?: boolean; timeoutMs?: number; maxBytes?: number }): Promise<AnsweredRequests> {
  const answers = emptyAnswers();
  const notices = new Map<string, Bilingual>();
  const read = new Set<string>();
  let execs = 0;
  const exec = async (script: string) => {
    const r = await transport.run(script, { sudo: o.sudo, timeoutMs: o.timeoutMs });
    execs++;
    if (r.notice) notices.set(r.notice.en, r.notice);
    return r;
  };
  for (const group of mode === 'request' ? [dedupe(groups.flat())] : groups) {
    for (const req of group) {
      if (req.kind === 'cmd') {
        const r = await exec(cmdScript(req.script, req.timeoutS));
        answers.cmds.set(req.name, { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode, truncated: false });
        continue;
      }
      const key = JSON.stringify(req);
      if (read.has(key)) continue; // read once per host, as Train's file cache does
      read.add(key);
      if (mode === 'inspec') await exec(`stat -L -c '%f %u %g %s %Y' -- ${req.kind === 'glob' ? req.pattern : `'${req.path}'`} 2>&1`);
      if (req.kind === 'file') {
        const r = await exec(`cat -- '${req.path}'`);
        const status = r.exitCode === 0 ? 'ok' : /Permission denied/.test(r.stderr) ? 'denied' : 'absent';
        answers.files.set(req.path, { status, content: status === 'ok' ? r.stdout : '', truncated: false });
      } else {
        const { script, marker, maxBytes } = buildScript([req], { maxBytes: o.maxBytes });
        merge(answers, parseSections((await exec(script)).stdout, marker, maxBytes));
      }
    }
  }
  return { answers, execs, notices: [...notices.values()] };
}

/**
 * The inspec baseline's groups: platform detection (the os family) once per host, as InSpec does at
 * connect, then each check asks for its own families again, as each InSpec control does — the
 * families it reads and those its derived facts are computed from (before 2026-12-07 the latter were
 * left out: 9 checks of the pack ended `error` in this baseline, having collected less than gwsec).
 */
export function inspecGroups(checks: Check[], collectors: Collector[], derivers: Deriver[]): Request[][] {
  const os = collectors.filter((c) => c.id === 'os');
  const perCheck = checks.filter((c) => c.scope !== 'fleet').map((c) => plan([c], collectors, derivers).collectors.filter((x) => x.id !== 'os'));
  return [os, ...perCheck].map((cs) => cs.flatMap((x) => x.requests));
}

/** The groups cut down to the requests this collection asks for. */
function only(groups: Request[][], requests: Request[]): Request[][] {
  const asked = new Set(requests.map((r) => JSON.stringify(r)));
  return groups.map((g) => g.filter((r) => asked.has(JSON.stringify(r))));
}

/** A snippet as one exec: the helpers it may call, a scratch dir only when it uses one. */
function cmdScript(snippet: string, timeoutS = DEFAULT_CMD_TIMEOUT_S): string {
  const scratch = /\$T\b|gw_memo|gw_once|gw_comms/.test(snippet);
  return [
    'LC_ALL=C; export LC_ALL',
    'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin; export PATH',
    'if command -v timeout >/dev/null 2>&1; then HAVE_TIMEOUT=1; else HAVE_TIMEOUT=0; fi',
    `GW_TO=${timeoutS}`,
    // the scratch dir where gwsec's script makes its own (the same cost for the same snippets)
    ...(scratch ? [MAKE_SCRATCH, `trap 'rm -rf "$T"' EXIT`] : []),
    SNIPPET_PRELUDE,
    snippet,
    '',
  ].join('\n');
}

function dedupe(requests: Request[]): Request[] {
  const seen = new Set<string>();
  return requests.filter((r) => {
    const k = JSON.stringify(r);
    return seen.has(k) ? false : (seen.add(k), true);
  });
}

function merge(into: RawAnswers, from: RawAnswers): void {
  for (const k of ['cmds', 'files', 'globs', 'trees'] as const) {
    for (const [key, v] of from[k] as Map<string, never>) (into[k] as Map<string, never>).set(key, v);
  }
}
