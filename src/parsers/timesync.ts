/**
 * Clock synchronisation status from the three usual tools.
 *  - `timedatectl show -p NTPSynchronized -p NTP` (systemd ≥ 239): `NTPSynchronized=yes`;
 *    older systemd (CentOS 7's 219) has no `show` and we read `timedatectl status` instead:
 *    `NTP synchronized: yes` (≤ 238) or `System clock synchronized: yes` (≥ 239).
 *  - `chronyc tracking`: `Leap status     : Normal` when synchronised, `Not synchronised` otherwise.
 *  - `ntpq -pn`: a peer line starting with `*` is the selected system peer.
 */
export interface SyncReading {
  synchronized: boolean | null; // null: output not understood
  detail: string;
}

export function parseTimedatectl(text: string): SyncReading & { ntp_enabled: boolean | null } {
  const kv = (re: RegExp) => {
    const m = re.exec(text);
    return m ? /^(yes|active)$/i.test(m[1].trim()) : null;
  };
  const synced = kv(/^NTPSynchronized=(\S+)/m) ?? kv(/^\s*(?:NTP|System clock) synchronized:\s*(\S+)/m);
  const ntp = kv(/^NTP=(\S+)/m) ?? kv(/^\s*(?:NTP enabled|NTP service):\s*(\S+)/m);
  return { synchronized: synced, ntp_enabled: ntp, detail: synced === null ? 'timedatectl: no synchronisation field' : `timedatectl: synchronized=${synced ? 'yes' : 'no'}` };
}

export function parseChronycTracking(text: string): SyncReading {
  const leap = /^Leap status\s*:\s*(.+)$/m.exec(text)?.[1].trim();
  if (!leap) return { synchronized: null, detail: 'chronyc tracking: no Leap status line' };
  const ref = /^Reference ID\s*:\s*(.+)$/m.exec(text)?.[1].trim() ?? '';
  const offset = /^System time\s*:\s*(.+)$/m.exec(text)?.[1].trim() ?? '';
  return { synchronized: !/not synchronised/i.test(leap), detail: `chronyc: ${leap}; ref ${ref}; ${offset}`.trim() };
}

export function parseNtpqPeers(text: string): SyncReading {
  const lines = text.split('\n').filter((l) => /^[ *+#ox.-]?\S+\s+\S+\s+\d+\s+[ulbmsa-]\s/.test(l) && !/^\s*remote/.test(l));
  if (lines.length === 0 && !/^\s*remote\s+refid/m.test(text)) return { synchronized: null, detail: 'ntpq: no peer table' };
  const sys = lines.find((l) => l.startsWith('*') || l.startsWith('o'));
  return { synchronized: sys !== undefined, detail: sys ? `ntpq: system peer ${sys.slice(1).split(/\s+/)[0]}` : `ntpq: no system peer among ${lines.length} peer(s)` };
}
