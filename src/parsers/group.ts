import { mapColonLines } from './shadow.js';

/** /etc/group -> entries. The group password field is ignored (gshadow holds it on modern systems). */
export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export function parseGroup(text: string): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('#') || line.startsWith('+') || line.startsWith('-')) continue;
    const f = line.split(':');
    if (f.length < 4 || f[2] === '') continue;
    const gid = Number(f[2]);
    if (!Number.isInteger(gid)) continue;
    const members = f[3]
      .split(',')
      .map((m) => m.trim())
      .filter((m) => m !== '');
    out.push({ name: f[0], gid, members });
  }
  return out;
}

/** /etc/group for a shared fixture: a group password (field 2, other than `x` or empty) becomes `!`. */
export function redactGroup(text: string): string {
  return mapColonLines(text, (f) => {
    if (f[1] !== undefined && f[1] !== 'x' && f[1] !== '') f[1] = '!';
  });
}
