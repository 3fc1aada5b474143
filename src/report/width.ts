/**
 * Terminal columns a string takes: East Asian Wide and Fullwidth characters take two, combining marks
 * and ANSI colour codes none. Enough of UAX #11 for Chinese reports; pure, no dependency.
 */
const WIDE: Array<[number, number]> = [
  [0x1100, 0x115f], [0x2e80, 0x303e], [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xa000, 0xa4cf],
  [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfe10, 0xfe19], [0xfe30, 0xfe6f], [0xff00, 0xff60], [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f], [0x1f900, 0x1f9ff], [0x20000, 0x3fffd],
];

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

export function charWidth(cp: number): number {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || cp === 0xfe0f) return 0; // combining, zero-width
  for (const [lo, hi] of WIDE) if (cp >= lo && cp <= hi) return 2;
  return 1;
}

export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s.replace(ANSI, '')) w += charWidth(ch.codePointAt(0)!);
  return w;
}

/** Pad to a display width (padEnd counts UTF-16 units, which misaligns Chinese columns). */
export function padDisplay(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - displayWidth(s)));
}

/** CJK punctuation no line may start with (it stays with the character before it). */
const NO_LINE_START = /^[，。、；：！？）」』”’》〉】,.;:!?)\]}]$/u;
const WIDE_CHAR = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe6f\uff00-\uff60]/u;

/** A run of spaces, one wide character, or a run of anything else without spaces or wide characters. */
function tokens(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  const flush = () => {
    if (cur) out.push(cur);
    cur = '';
  };
  for (const ch of text) {
    if (/\s/.test(ch)) {
      if (!/^\s+$/.test(cur)) flush();
      cur += ' ';
    } else if (WIDE_CHAR.test(ch)) {
      flush();
      out.push(ch);
    } else {
      if (/^\s+$/.test(cur)) flush();
      cur += ch;
    }
  }
  flush();
  return out;
}

/**
 * Wrap to `width` columns: the first line has `width - first` columns (text already printed before
 * it), continuation lines `width - indent` (the caller indents them). Breaks at spaces and between wide
 * characters (Chinese has no spaces), never before closing punctuation; a word longer than a line is cut.
 */
export function wrap(text: string, width: number, indent: number, first = indent): string[] {
  const out: string[] = [];
  let line = '';
  let starts: number[] = []; // where each token on the line begins (the last ones move down with closing punctuation)
  const avail = () => Math.max(10, width - (out.length ? indent : first));
  const push = () => {
    out.push(line.trimEnd());
    line = '';
    starts = [];
  };
  for (const tok of tokens(text)) {
    if (/^\s+$/.test(tok)) {
      if (line) line += tok; // spaces inside a line are kept (aligned counts); at a break they vanish
      continue;
    }
    let t = tok;
    if (line.trim() && displayWidth(line) + displayWidth(t) > avail()) {
      if (NO_LINE_START.test(t) && line.length === line.trimEnd().length) {
        // carry the word before it (and any punctuation already after it) down with the punctuation
        let k = starts.length - 1;
        while (k > 0 && NO_LINE_START.test(line.slice(starts[k], starts[k + 1] ?? line.length))) k--;
        if (k > 0) {
          t = line.slice(starts[k]) + t;
          line = line.slice(0, starts[k]);
        }
      }
      push();
    }
    while (displayWidth(line) + displayWidth(t) > avail()) {
      let cut = '';
      for (const ch of t) {
        if (displayWidth(line + cut + ch) > avail()) break;
        cut += ch;
      }
      if (!cut) {
        push();
        continue;
      }
      line += cut;
      t = t.slice(cut.length);
      push();
    }
    starts.push(line.length);
    line += t;
  }
  if (line.trim() || out.length === 0) out.push(line.trimEnd());
  return out;
}
