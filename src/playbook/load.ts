/** Load and validate playbooks: every problem located at file:line:column, all reported at once. */
import { readFile, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { GwsecError, GwsecErrorList } from '../model/errors.js';
import { parseYaml } from '../policy/yaml.js';
import { validateSchema } from '../policy/issues.js';
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
  const r = validateSchema(playbookSchema, y.value ?? {});
  if (!r.ok) {
    const errs = r.issues.map((i) => new GwsecError('playbook_schema_error', i.message, y.locate(i.path)));
    throw errs.length === 1 ? errs[0]! : new GwsecErrorList(errs);
  }
  const pb = r.data;
  const errors: GwsecError[] = [];
  const at = (path: PropertyKey[]) => y.locate(path);
  const ids = new Map<string, number>();
  pb.steps.forEach((s, i) => {
    if (ids.has(s.id)) errors.push(new GwsecError('playbook_schema_error', { en: `duplicate step id '${s.id}'`, zh: `步骤编号“${s.id}”重复` }, at(['steps', i, 'id'])));
    ids.set(s.id, i);
  });
  const ref = (target: string | undefined, path: PropertyKey[]): void => {
    if (target !== undefined && target !== END && target !== FAIL && !ids.has(target))
      errors.push(new GwsecError(
          'playbook_schema_error',
          { en: `unknown step '${target}' (step ids: ${[...ids.keys()].join(', ')}; or ${END} / ${FAIL})`, zh: `未知步骤“${target}”（步骤编号：${[...ids.keys()].join('、')}；或 ${END}、${FAIL}）` },
          at(path),
        ));
  };
  ref(pb.start, ['start']);
  pb.steps.forEach((s, i) => {
    ref(s.on_success, ['steps', i, 'on_success']);
    ref(s.on_failure, ['steps', i, 'on_failure']);
    if (s.kind === 'decision') {
      if (!s.options === !s.by_grade) errors.push(new GwsecError('playbook_schema_error', { en: 'a decision has either options or by_grade', zh: '决策步骤须有 options 或 by_grade 之一（不能两者都有或都没有）' }, at(['steps', i])));
      s.options?.forEach((o, j) => ref(o.next, ['steps', i, 'options', j, 'next']));
      if (s.by_grade) for (const [g, n] of Object.entries(s.by_grade)) ref(n, ['steps', i, 'by_grade', g]);
    }
    if (s.kind === 'collect' && s.collect.includes('files') && !s.paths?.length)
      errors.push(new GwsecError('playbook_schema_error', { en: 'collect: files needs paths', zh: 'collect: files 须列出 paths' }, at(['steps', i, 'collect'])));
    const reporting = Object.values(SUBMISSION_DEADLINES).filter(Boolean) as string[];
    (s.closes ?? []).forEach((c, j) => {
      if (reporting.includes(c)) errors.push(new GwsecError(
            'playbook_schema_error',
            { en: `'${c}' is completed only by a submit step (kind: submit, report: …): writing or notifying is not submitting`, zh: `“${c}”只能由报送步骤（kind: submit, report: …）完成：撰写或通知不等于报送` },
            at(['steps', i, 'closes', j]),
          ));
    });
    if (s.kind === 'approval' && s.approvers && s.approvers.length < s.quorum)
      errors.push(new GwsecError('playbook_schema_error', { en: `quorum ${s.quorum} is more than the ${s.approvers.length} listed approvers`, zh: `法定人数 ${s.quorum} 超过所列的 ${s.approvers.length} 名审批人` }, at(['steps', i, 'quorum'])));
  });
  if (basename(file).replace(/\.ya?ml$/, '') !== pb.id && !file.startsWith('<'))
    errors.push(new GwsecError('playbook_schema_error', { en: `id '${pb.id}' differs from the file name`, zh: `编号“${pb.id}”与文件名不一致` }, at(['id'])));
  if (errors.length) throw errors.length === 1 ? errors[0]! : new GwsecErrorList(errors);
  return pb;
}

export async function loadPlaybookFile(file: string): Promise<LoadedPlaybook> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new GwsecError('playbook_read_error', { en: `cannot read playbook: ${(e as Error).message}`, zh: `无法读取预案：${(e as Error).message}` }, { file });
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
      throw new GwsecError('playbook_not_found', { en: `no playbook '${ref}' (shipped: ${known.join(', ')})`, zh: `没有预案“${ref}”（随附预案：${known.join('、')}）` });
    }
    throw e;
  }
}
