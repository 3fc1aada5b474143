import { t } from '../model/schema.js';
import { CollectError } from '../model/errors.js';
import type { Collector } from './types.js';
import { parseChronycTracking, parseNtpqPeers, parseTimedatectl } from '../parsers/timesync.js';

/**
 * Is the clock synchronised? Any one synchronised source is enough (chronyd or ntpd may run without
 * timedatectl knowing, e.g. on CentOS 7). `synchronized` is null only when no tool answered.
 */
export interface TimesyncFacts {
  synchronized: boolean | null;
  ntp_enabled: boolean | null;
  sources: Array<{ tool: string; synchronized: boolean | null; detail: string }>;
}

/** `show` where it exists; `status` only where `show` is an unknown verb (systemd < 236, CentOS 7). */
const TIMEDATECTL = [
  'command -v timedatectl >/dev/null 2>&1 || exit 127',
  'gw_to timedatectl show -p NTPSynchronized -p NTP 2>"$T/timedatectl.err" && exit 0',
  'rc=$?; IFS= read -r l <"$T/timedatectl.err"',
  'case "$l" in *[Uu]nknown*) gw_to timedatectl status ;; *) printf \'%s\\n\' "$l" >&2; exit "$rc" ;; esac',
].join('\n');

export const timesync: Collector<TimesyncFacts> = {
  id: 'timesync',
  description: 'Clock synchronisation (timedatectl, chronyc tracking, ntpq -pn)',
  schema: t.obj({
    synchronized: t.nullable(t.bool),
    ntp_enabled: t.nullable(t.bool),
    sources: t.arr(t.obj({ tool: t.str, synchronized: t.nullable(t.bool), detail: t.str })),
  }),
  requests: [
    // systemd < 239 has no `show`: fall back to the human-readable status.
    { kind: 'cmd', name: 'timesync-timedatectl', script: TIMEDATECTL, selfTimed: true },
    { kind: 'cmd', name: 'timesync-chronyc', script: 'gw_to chronyc -n tracking' },
    { kind: 'cmd', name: 'timesync-ntpq', script: 'gw_to ntpq -pn' },
  ],
  parse(out) {
    const sources: TimesyncFacts['sources'] = [];
    let ntpEnabled: boolean | null = null;
    const td = out.cmdIfPresent('timesync-timedatectl');
    if (td) {
      const r = parseTimedatectl(td.stdout);
      ntpEnabled = r.ntp_enabled;
      if (r.synchronized !== null) sources.push({ tool: 'timedatectl', synchronized: r.synchronized, detail: r.detail });
    }
    const ch = out.cmdIfPresent('timesync-chronyc');
    if (ch) {
      const r = parseChronycTracking(ch.stdout);
      // "506 Cannot talk to daemon": chrony installed but not running.
      sources.push(r.synchronized === null ? { tool: 'chronyc', synchronized: false, detail: `chronyc: ${(ch.stdout + ch.stderr).trim().split('\n')[0] || 'no answer'}` } : { tool: 'chronyc', ...r });
    }
    const nq = out.cmdIfPresent('timesync-ntpq');
    if (nq) {
      const r = parseNtpqPeers(nq.stdout);
      sources.push(r.synchronized === null ? { tool: 'ntpq', synchronized: false, detail: `ntpq: ${(nq.stdout + nq.stderr).trim().split('\n')[0] || 'no answer'}` } : { tool: 'ntpq', ...r });
    }
    if (sources.length === 0) throw new CollectError('not_found', 'no time synchronisation tool answered (timedatectl, chronyc, ntpq)');
    const synchronized = sources.some((s) => s.synchronized === true) ? true : sources.every((s) => s.synchronized === false) ? false : null;
    return { synchronized, ntp_enabled: ntpEnabled, sources };
  },
};
