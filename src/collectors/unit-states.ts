/**
 * `systemctl is-active` for every unit two collectors read — the log services (logging) and the
 * gwsec agent (agent_status) — asked ONCE per run: each systemctl costs ~3 ms of host CPU (its
 * shared library and the bus), paid on every host of every audit. Both snippets share one memo;
 * systemctl prints one state per unit in this order, so each collector reads its own lines.
 */
export const LOG_SERVICES = ['rsyslog', 'syslog-ng', 'auditd', 'systemd-journald'] as const;
const UNITS = [...LOG_SERVICES, 'gwsec-agent'].map((u) => `${u}.service`);
const ONCE = `gw_once unit-states gw_to systemctl is-active ${UNITS.join(' ')}`;
const MEMO = '"$T/memo.unit-states';

/** The whole answer (one line per unit, the log services first): logging reads the first four. */
export const ALL_UNIT_STATES = `gw_memo unit-states gw_to systemctl is-active ${UNITS.join(' ')}`;

/** Only the gwsec agent's line (the last), with systemctl's stderr and exit code. */
export const AGENT_UNIT_STATE = [
  ONCE,
  `[ -s ${MEMO}.err" ] && cat ${MEMO}.err" >&2`,
  `l=; { ${UNITS.map(() => 'read -r l').join('; ')}; } <${MEMO}.out"`,
  '[ -n "$l" ] && printf \'%s\\n\' "$l"',
  `read -r rc <${MEMO}.rc"; exit "$rc"`,
].join('\n');
