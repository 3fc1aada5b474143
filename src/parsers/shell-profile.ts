/**
 * TMOUT in the system-wide shell start-up files (/etc/profile, /etc/profile.d/*.sh,
 * /etc/bash.bashrc, /etc/bashrc). Pure text -> data. We do not run the shell: assignments inside
 * `if` blocks count as made (noted in `conditional`). Bash semantics kept:
 *  - `readonly TMOUT=600`, `declare -r`/`typeset -r`, `readonly TMOUT` after an assignment;
 *  - once readonly, later assignments fail, so the first readonly value sticks;
 *  - `export readonly TMOUT=600` exports a variable named "readonly" and TMOUT, but does NOT make
 *    TMOUT read-only (a common hardening mistake).
 */
export interface TmoutAssignment {
  file: string;
  line: number;
  value: number | null; // null: not a plain number (e.g. "$X")
  exported: boolean;
  readonly: boolean;
  conditional: boolean;
}

export interface TmoutState {
  value: number | null;
  exported: boolean;
  readonly: boolean;
  source: string | null; // file:line that set the final value
  assignments: TmoutAssignment[];
}

const DECL = /^(export|readonly|declare|typeset|local)$/;

/** One logical shell line -> TMOUT effects (assignment, export, readonly). */
function tmoutEffects(stmt: string): { assign?: string; exported: boolean; readonly: boolean } | null {
  const words = stmt.trim().split(/\s+/);
  if (words.length === 0 || !words.some((w) => /^TMOUT(=|$)/.test(w))) return null;
  const first = words[0] ?? '';
  let exported = false;
  let readonly = false;
  let assign: string | undefined;
  if (/^TMOUT=/.test(first)) {
    // Plain assignment; `TMOUT=600 cmd` would be a per-command env var, rare here: treat as assignment.
    assign = first.slice(6);
    return { assign, exported, readonly };
  }
  if (!DECL.test(first)) return null;
  if (first === 'export') exported = true;
  if (first === 'readonly') readonly = true;
  for (const w of words.slice(1)) {
    if (w.startsWith('-') && (first === 'declare' || first === 'typeset' || first === 'export' || first === 'readonly')) {
      if (w.includes('r')) readonly = readonly || first !== 'export';
      if (w.includes('x')) exported = true;
      continue;
    }
    const m = /^TMOUT(?:=(.*))?$/.exec(w);
    if (m) {
      if (m[1] !== undefined) assign = m[1];
      return { assign, exported, readonly };
    }
  }
  return null;
}

function numeric(raw: string): number | null {
  const v = raw.replace(/^["']|["']$/g, '');
  return /^\d+$/.test(v) ? Number(v) : null;
}

/** Files in the order a bash login shell reads them. */
export function parseTmout(files: Array<{ path: string; content: string }>): TmoutState {
  const st: TmoutState = { value: null, exported: false, readonly: false, source: null, assignments: [] };
  for (const f of files) {
    let depth = 0;
    const lines = f.content.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const code = (lines[i] ?? '').replace(/(^|\s)#.*$/, '');
      for (const stmt of code.split(/;|&&|\|\|/)) {
        const s = stmt.trim();
        if (/^(if|case|while|until|for)\b/.test(s)) depth++;
        if (/^(fi|esac|done)\b/.test(s)) depth = Math.max(0, depth - 1);
        const body = s.replace(/^(then|else|do|\{)\s+/, '');
        const e = tmoutEffects(body);
        if (!e) continue;
        const value = e.assign !== undefined ? numeric(e.assign) : null;
        st.assignments.push({ file: f.path, line: i + 1, value: e.assign !== undefined ? value : st.value, exported: e.exported, readonly: e.readonly, conditional: depth > 0 });
        if (st.readonly && e.assign !== undefined) continue; // bash: "TMOUT: readonly variable"
        if (e.assign !== undefined) {
          st.value = value;
          st.source = `${f.path}:${i + 1}`;
        }
        if (e.exported) st.exported = true;
        if (e.readonly) st.readonly = true;
      }
    }
  }
  return st;
}
