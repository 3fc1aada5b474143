/**
 * Web-root permissions, part of the `web` family: the snippet and its pure output parser.
 * The snippet finds the roots in the effective configuration (nginx `root`/`alias`, Apache
 * `DocumentRoot`/`Alias`), and prints `stat -c '%a %U %G %n'` for each root and its top-level entries,
 * plus `id` for each worker user the configuration names.
 */

export interface WebrootEntry {
  mode: string;
  owner: string;
  group: string;
  path: string;
}

export interface WorkerIdentity {
  user: string;
  uid: number | null;
  groups: string[]; // primary and supplementary group names
  error?: string;
}

export interface WebrootStat {
  users: WorkerIdentity[];
  roots: Array<{ path: string; entries: WebrootEntry[]; error?: string }>;
}

export function parseWebrootStat(text: string): WebrootStat {
  const users: WorkerIdentity[] = [];
  const roots: WebrootStat['roots'] = [];
  let section: { kind: 'user'; u: WorkerIdentity } | { kind: 'root'; r: WebrootStat['roots'][number] } | null = null;
  for (const line of text.split('\n')) {
    const h = /^# (user|root) (.+)$/.exec(line);
    if (h) {
      if (h[1] === 'user') {
        const u: WorkerIdentity = { user: h[2]!, uid: null, groups: [] };
        users.push(u);
        section = { kind: 'user', u };
      } else {
        const r = { path: h[2]!, entries: [] as WebrootEntry[] };
        roots.push(r);
        section = { kind: 'root', r };
      }
      continue;
    }
    if (!section || !line.trim()) continue;
    if (section.kind === 'user') {
      const m = /^uid=(\d+)\([^)]*\) gid=\d+\(([^)]*)\)(?: groups=(.*))?/.exec(line);
      if (m) {
        section.u.uid = Number(m[1]);
        const groups = [...(m[3] ?? '').matchAll(/\d+\(([^)]*)\)/g)].map((g) => g[1]!);
        section.u.groups = [...new Set([m[2]!, ...groups])];
      } else section.u.error = line.trim();
    } else {
      const m = /^([0-7]{3,4}) (\S+) (\S+) (.+)$/.exec(line);
      if (m) section.r.entries.push({ mode: m[1]!, owner: m[2]!, group: m[3]!, path: m[4]! });
      else if (section.r.entries.length === 0 && /cannot stat|No such file|Permission denied/.test(line)) section.r.error = line.trim();
    }
  }
  return { users, roots };
}

/** Whether the worker (user + its groups) may write an entry, from its mode bits. */
export function writableBy(e: WebrootEntry, who: WorkerIdentity): boolean {
  const digits = e.mode.slice(-3).split('').map(Number);
  const [o, g, x] = [digits[0]!, digits[1]!, digits[2]!];
  if (who.uid === 0) return true;
  if (e.owner === who.user) return (o & 2) !== 0;
  if (who.groups.includes(e.group)) return (g & 2) !== 0;
  return (x & 2) !== 0;
}

/** Shared shell: the effective web configuration text (nginx -T, else the usual files), no errors. */
export const WEB_CONF_SH = `PATH="$PATH:/usr/sbin:/sbin:/usr/local/sbin:/usr/local/nginx/sbin"
web_conf() {
  if command -v nginx >/dev/null 2>&1; then
    nginx -T 2>/dev/null || for f in /etc/nginx/nginx.conf /etc/nginx/conf.d/*.conf /etc/nginx/default.d/*.conf /etc/nginx/sites-enabled/* /usr/local/nginx/conf/nginx.conf /usr/local/nginx/conf/conf.d/*.conf; do [ -f "$f" ] && cat -- "$f"; done
  fi
  for f in /etc/apache2/apache2.conf /etc/apache2/sites-enabled/* /etc/apache2/conf-enabled/*.conf /etc/httpd/conf/httpd.conf /etc/httpd/conf.d/*.conf; do [ -f "$f" ] && cat -- "$f"; done
} 2>/dev/null
`;

export const WEBROOT_SH = `${WEB_CONF_SH}
command -v nginx >/dev/null 2>&1 || command -v apache2 >/dev/null 2>&1 || command -v httpd >/dev/null 2>&1 || exit 0
users=$(web_conf | tr ';' '\\n' | awk '{ sub(/^.*[^$]\\{[ \\t]*/, ""); sub(/^[ \\t]*\\}[ \\t]*/, "") } $1=="user"||$1=="User"{u=$2; gsub(/[";]/,"",u); print u}' | sort -u | head -n 4)
for u in $users nobody; do
  case "$u" in
    '\${'*'}') n=\${u#??}; n=\${n%?}
      case "$n" in *[!A-Z_]*) continue ;; esac
      u=$(sed -n "s/^export $n=//p" /etc/apache2/envvars 2>/dev/null | tr -d '"' | head -n 1) ;;
  esac
  [ -n "$u" ] && echo "$u"
done | sort -u | while IFS= read -r u; do
  printf '# user %s\\n' "$u"; id -- "$u" 2>&1
done
web_conf | tr ';' '\\n' | awk '{ sub(/^.*[^$]\\{[ \\t]*/, ""); sub(/^[ \\t]*\\}[ \\t]*/, "") } $1=="root"||$1=="alias"||$1=="DocumentRoot"{p=$2} $1=="Alias"{p=$3} p!=""{gsub(/[";\\047]/,"",p); print p; p=""}' | sort -u | head -n 16 | while IFS= read -r r; do
  case "$r" in /*) ;; *) continue ;; esac
  case "$r" in *'$'*) continue ;; esac
  [ "$r" = / ] || r=\${r%/}
  printf '# root %s\\n' "$r"
  stat -c '%a %U %G %n' -- "$r" "$r"/* 2>&1 | head -n 64
done
`;
