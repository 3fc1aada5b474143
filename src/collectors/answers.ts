import { CollectError } from '../model/errors.js';
import type { CmdResult, FileAnswer, RawAnswers } from '../transport/requests.js';
import type { CollectorOutput, FileContent } from './types.js';

/**
 * A collector's view of the answers. Every read is recorded as a source of the family, so evidence
 * can say "cmd: sshd -T" or "file: /etc/login.defs" without collectors doing anything.
 */
export function outputFor(answers: RawAnswers, sources: Set<string>, transportId: string): CollectorOutput {
  const file = (path: string): FileAnswer => {
    const f = answers.files.get(path);
    if (!f) throw new CollectError('not_recorded', `${transportId}: file ${path} was not requested`);
    return f;
  };
  const contents = (paths: string[]): FileContent[] =>
    paths.flatMap((p) => {
      const f = file(p);
      if (f.status === 'denied') throw new CollectError('permission_denied', `${p}: permission denied`);
      if (f.status === 'special') throw special(p);
      if (f.status !== 'ok') return [];
      sources.add(`file: ${p}`);
      return [{ path: p, content: f.content, truncated: f.truncated }];
    });
  const cmd = (name: string): CmdResult => {
    const c = answers.cmds.get(name);
    if (!c) throw new CollectError('not_recorded', `${transportId}: command ${name} was not requested`);
    if (c.notRecorded) throw new CollectError('not_recorded', `${transportId}: no recording of command '${name}'`);
    if (c.exitCode === 124) throw new CollectError('timeout', `command ${name} timed out`);
    sources.add(`cmd: ${name}`);
    return c;
  };
  return {
    cmd,
    cmdIfPresent(name) {
      const c = cmd(name);
      return c.exitCode === 127 ? null : c;
    },
    text(path) {
      const f = file(path);
      if (f.status === 'absent') return null;
      if (f.status === 'denied') throw new CollectError('permission_denied', `${path}: permission denied`);
      if (f.status === 'special') throw special(path);
      sources.add(`file: ${path}`);
      return f.content;
    },
    glob(pattern) {
      const paths = answers.globs.get(pattern);
      if (!paths) throw new CollectError('not_recorded', `${transportId}: glob ${pattern} was not requested`);
      return contents(paths);
    },
    tree(path) {
      const paths = answers.trees.get(path);
      if (!paths) throw new CollectError('not_recorded', `${transportId}: tree ${path} was not requested`);
      return contents(paths);
    },
  };
}

/** A trap (a FIFO where a config file should be, a link to /dev/zero): only the facts that need it fail, naming it. */
function special(path: string): CollectError {
  return new CollectError('unsafe_file', `${path}: not a regular file (a FIFO, device or socket); not read`);
}
