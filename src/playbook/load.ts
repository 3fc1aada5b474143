/** Load and validate playbooks: every problem located at file:line:column, all reported at once. */
import { readFile, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { GwsecError, GwsecErrorList } from '../model/errors.js';
import { parseYaml } from '../policy/yaml.js';
import { packageRoot } from '../util/paths.js';
import { SUBMISSION_DEADLINES } from '../incident/clock.js';
import { END, FAIL, playbookSchema, type Playbook } from './schema.js';

export interface LoadedPlaybook {
  playbook: Playbook;
  file: string;
  /** The exact text: copied into each incident so a resume runs the same flow. */
  text: string;
}

export const shippedPlaybookDir = (): string => join(packageRoot(), 'playbooks');

export function parsePlaybook(file: string, text: string): Playbook {
  const y = parseYaml(file, text, 'playbook_parse_error');
  const r = playbookSchema.safeParse(y.value ?? {});
  if (!r.success) {
    const errs = r.error.issues.map(
      (i) => new GwsecError('playbook_schema_error', `${i.path.length ? i.path.join('.') + ': ' : ''}${i.message}`, y.locate(i.path as PropertyKey[])),
    );
    throw errs.length === 1 ? errs[0]! : new GwsecErrorList(errs);
  }
  const pb = r.data;
  const errors: GwsecError[] = [];
  const at = (path: PropertyKey[]) => y.locate(path);
  const ids = new Map<string, number>();
  pb.steps.forEach((s, i) => {
    if (ids.has(s.id)) errors.push(new GwsecError('playbook_schema_error', `duplicate step id '${s.id}'`, at(['steps', i, 'id'])));
    ids.set(s.id, i);
  });
  const ref = (target: string | undefined, path: PropertyKey[]): void => {
    if (target !== undefined && target !== END && target !== FAIL && !ids.has(target))
      errors.push(new GwsecError('playbook_schema_error', `unknown step '${target}' (step ids: ${[...ids.keys()].join(', ')}; or ${END} / ${FAIL})`, at(path)));
  };
  ref(pb.start, ['start']);
  pb.steps.forEach((s, i) => {
    ref(s.on_success, ['steps', i, 'on_success']);
    ref(s.on_failure, ['steps', i, 'on_failure']);
    if (s.kind === 'decision') {
      if (!s.options === !s.by_grade) errors.push(new GwsecError('playbook_schema_error', 'a decision has either options or by_grade', at(['steps', i])));
      s.options?.forEach((o, j) => ref(o.next, ['steps', i, 'options', j, 'next']));
      if (s.by_grade) for (const [g, n] of Object.entries(s.by_grade)) ref(n, ['steps', i, 'by_grade', g]);
    }
    if (s.kind === 'collect' && s.collect.includes('files') && !s.paths?.length)
      errors.push(new GwsecError('playbook_schema_error', 'collect: files needs paths', at(['steps', i, 'collect'])));
    const reporting = Object.values(SUBMISSION_DEADLINES).filter(Boolean) as string[];
    (s.closes ?? []).forEach((c, j) => {
      if (reporting.includes(c)) errors.push(new GwsecError('playbook_schema_error', `'${c}' is completed only by a submit step (kind: submit, report: …): writing or notifying is not submitting`, at(['steps', i, 'closes', j])));
    });
    if (s.kind === 'approval' && s.approvers && s.approvers.length < s.quorum)
      errors.push(new GwsecError('playbook_schema_error', `quorum ${s.quorum} is more than the ${s.approvers.length} listed approvers`, at(['steps', i, 'quorum'])));
  });
  if (basename(file).replace(/\.ya?ml$/, '') !== pb.id && !file.startsWith('<'))
    errors.push(new GwsecError('playbook_schema_error', `id '${pb.id}' differs from the file name`, at(['id'])));
  if (errors.length) throw errors.length === 1 ? errors[0]! : new GwsecErrorList(errors);
  return pb;
}

export async function loadPlaybookFile(file: string): Promise<LoadedPlaybook> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new GwsecError('playbook_read_error', `cannot read playbook: ${(e as Error).message}`, { file });
  }
  return { playbook: parsePlaybook(file, text), file, text };
}

/** The shipped playbook files (playbooks/*.yaml; drills/ and templates/ are not playbooks). */
export async function shippedPlaybookFiles(dir = shippedPlaybookDir()): Promise<string[]> {
  return (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort().map((n) => join(dir, n));
}

/** An id (a shipped playbook) or a path to a YAML file. */
export async function resolvePlaybook(ref: string, dir = shippedPlaybookDir()): Promise<LoadedPlaybook> {
  if (/[/\\]|\.ya?ml$/.test(ref)) return loadPlaybookFile(ref);
  const file = join(dir, `${ref}.yaml`);
  try {
    return await loadPlaybookFile(file);
  } catch (e) {
    if ((e as GwsecError).code === 'playbook_read_error') {
      const known = (await shippedPlaybookFiles(dir)).map((f) => basename(f, '.yaml'));
      throw new GwsecError('playbook_not_found', `no playbook '${ref}' (shipped: ${known.join(', ')})`);
    }
    throw e;
  }
}
