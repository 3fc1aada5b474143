/**
 * `stat -c '%a %U %G %n' -- PATH…` (GNU coreutils) -> entries. Error lines ("stat: cannot statx
 * '/x': Permission denied", older coreutils say "cannot stat") are reported apart; "No such file"
 * lines are simply absent paths.
 */
export interface StatEntry {
  path: string;
  mode: string; // octal, e.g. "640", "2750"
  owner: string;
  group: string;
}

export function parseStatLines(text: string): { entries: StatEntry[]; denied: string[] } {
  const entries: StatEntry[] = [];
  const denied: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^([0-7]{3,4}) (\S+) (\S+) (\/.*)$/.exec(line);
    if (m) {
      entries.push({ mode: m[1], owner: m[2], group: m[3], path: m[4] });
      continue;
    }
    const d = /^stat: cannot stat(?:x)? [‘'](.+)[’']: Permission denied$/.exec(line);
    if (d) denied.push(d[1]);
  }
  return { entries, denied };
}
