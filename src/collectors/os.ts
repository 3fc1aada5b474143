import { CollectError } from '../model/errors.js';
import { t } from '../model/schema.js';
import { osIdentity, parseOsReleaseText, parseUname, type OsIdentity } from '../parsers/os-release.js';
import type { Collector } from './types.js';

export interface OsFacts extends OsIdentity {
  kernel: string; // "linux": what `applies.os` matches
  kernel_release: string | null;
  arch: string | null;
  hostname: string | null;
  version: string | null; // VERSION, e.g. "22.03 (LTS-SP4)", "7 (Core)"
}

export const osSchema = t.obj({
  kernel: t.str,
  kernel_release: t.nullable(t.str),
  arch: t.nullable(t.str),
  hostname: t.nullable(t.str),
  id: t.str,
  id_like: t.arr(t.str),
  version_id: t.nullable(t.str),
  version: t.nullable(t.str),
  name: t.nullable(t.str),
  pretty_name: t.nullable(t.str),
  family: t.enum('debian', 'rhel', 'suse', 'other'),
  release_key: t.str,
});

export const os: Collector<OsFacts> = {
  id: 'os',
  description: 'Distribution identity from /etc/os-release (falling back to /usr/lib/os-release) and the kernel from uname',
  schema: osSchema,
  requests: [
    { kind: 'file', path: '/etc/os-release' },
    { kind: 'file', path: '/usr/lib/os-release' },
    { kind: 'cmd', name: 'os-uname', script: 'uname -snrm' },
  ],
  parse(out) {
    const text = out.text('/etc/os-release') ?? out.text('/usr/lib/os-release');
    if (text === null) throw new CollectError('not_found', 'neither /etc/os-release nor /usr/lib/os-release exists');
    const kv = parseOsReleaseText(text);
    const u = out.cmd('os-uname');
    const uname = u.exitCode === 0 ? parseUname(u.stdout) : { kernel: 'linux', hostname: null, kernel_release: null, arch: null };
    return { ...uname, ...osIdentity(kv), version: kv.VERSION ?? null };
  },
};
