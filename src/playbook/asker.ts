/**
 * How the runner asks a person something. Two implementations: an interactive terminal
 * (prompt.ts, @inquirer/prompts) and an answers file for unattended drills and tests. Both get the
 * same header (countdown lines): the answers asker prints it, so a drill's log shows the clock too.
 */
import { readFile } from 'node:fs/promises';
import { GwsecError } from '../model/errors.js';
import { parseYaml } from '../policy/yaml.js';

export interface Ask {
  step: string;
  key: string;
  message: string;
  /** Countdown and context lines shown above the question. */
  header: string[];
  timeoutMs?: number;
}

export interface Asker {
  readonly mode: 'interactive' | 'answers';
  input(q: Ask & { default?: string; validate?: (v: string) => string | true }): Promise<string>;
  confirm(q: Ask & { default?: boolean }): Promise<boolean>;
  select(q: Ask & { choices: Array<{ value: string; name: string }>; default?: string }): Promise<string>;
  /** Shows text that needs no answer (instructions, results). */
  say(text: string): void;
}

/** The person did not answer within the step's timeout. */
export class PromptTimeout extends Error {
  constructor(readonly step: string) {
    super(`no answer within the step timeout (${step})`);
  }
}

/** What an answers file (playbooks/drills/ID.yaml) holds. */
export interface AnswersFile {
  file: string;
  playbook?: string;
  responder?: string;
  incident: {
    title?: string;
    /** 签发人 of the reports (journaled as the `signer` field). */
    signer?: string;
    discovered?: string;
    occurred?: string;
    tz?: string;
    site?: { name: string; domains?: string[] };
    operator?: { unit: string; class: 'cii' | 'state_organ' | 'other'; contact?: string; phone?: string };
  };
  vars: Record<string, string>;
  answers: Record<string, unknown>;
  rerun: Record<string, boolean>;
}

export async function loadAnswers(file: string): Promise<AnswersFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new GwsecError('answers_read_error', { en: `cannot read answers: ${(e as Error).message}`, zh: `无法读取应答文件：${(e as Error).message}` }, { file });
  }
  const y = parseYaml(file, text, 'answers_parse_error');
  const v = (y.value ?? {}) as Record<string, unknown>;
  if (typeof v !== 'object' || Array.isArray(v)) throw new GwsecError('answers_parse_error', { en: 'an answers file is a mapping', zh: '应答文件须为映射（键: 值）' }, { file, line: 1 });
  const allowed = ['playbook', 'responder', 'incident', 'vars', 'answers', 'rerun'];
  for (const k of Object.keys(v)) if (!allowed.includes(k)) throw new GwsecError('answers_parse_error', { en: `unknown key '${k}' (allowed: ${allowed.join(', ')})`, zh: `未知的键“${k}”（允许：${allowed.join('、')}）` }, y.locate([k]));
  const vars: Record<string, string> = {};
  for (const [k, x] of Object.entries((v.vars ?? {}) as Record<string, unknown>)) vars[k] = String(x);
  return {
    file,
    playbook: v.playbook as string | undefined,
    responder: v.responder as string | undefined,
    incident: (v.incident ?? {}) as AnswersFile['incident'],
    vars,
    answers: (v.answers ?? {}) as Record<string, unknown>,
    rerun: (v.rerun ?? {}) as Record<string, boolean>,
  };
}

/**
 * Answers from a file: `answers.<step>` is the answer itself, or a mapping of keys
 * (`answers.<step>.<key>`) for steps that ask several things (grading, approvals, notify).
 */
export class AnswersAsker implements Asker {
  readonly mode = 'answers' as const;
  constructor(
    private readonly a: AnswersFile,
    private readonly out: (text: string) => void,
  ) {}

  private lookup(q: Ask): unknown {
    if (q.key.startsWith('rerun')) return this.a.rerun[q.step];
    const v = this.a.answers[q.step];
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return (v as Record<string, unknown>)[q.key];
    return q.key === 'answer' ? v : undefined;
  }

  private show(q: Ask, answer: unknown): void {
    this.out(`${q.header.map((l) => `  ${l}`).join('\n')}\n? ${q.message} » ${String(answer)}\n`);
  }

  private missing(q: Ask): never {
    throw new GwsecError(
      'answers_missing',
      { en: `no answer for step '${q.step}'${q.key === 'answer' ? '' : ` key '${q.key}'`}: ${q.message}`, zh: `步骤“${q.step}”${q.key === 'answer' ? '' : `的“${q.key}”`}没有应答：${q.message}` },
      { file: this.a.file },
    );
  }

  async input(q: Ask & { default?: string; validate?: (v: string) => string | true }): Promise<string> {
    const raw = this.lookup(q);
    const v = raw === undefined || raw === null ? q.default : String(raw);
    if (v === undefined) this.missing(q);
    const ok = q.validate?.(v) ?? true;
    if (ok !== true) throw new GwsecError('answers_invalid', { en: `answer for step '${q.step}' key '${q.key}' rejected: ${ok}`, zh: `步骤“${q.step}”的“${q.key}”应答不被接受：${ok}` }, { file: this.a.file });
    this.show(q, v);
    return v;
  }

  async confirm(q: Ask & { default?: boolean }): Promise<boolean> {
    const raw = this.lookup(q);
    const v = typeof raw === 'boolean' ? raw : raw === 'yes' ? true : raw === 'no' ? false : q.default;
    if (v === undefined) this.missing(q);
    this.show(q, v ? 'yes' : 'no');
    return v;
  }

  async select(q: Ask & { choices: Array<{ value: string; name: string }>; default?: string }): Promise<string> {
    const raw = this.lookup(q);
    const v = raw === undefined ? q.default : String(raw);
    if (v === undefined) this.missing(q);
    if (!q.choices.some((c) => c.value === v))
      throw new GwsecError(
        'answers_invalid',
        { en: `answer '${v}' for step '${q.step}' is not one of: ${q.choices.map((c) => c.value).join(', ')}`, zh: `步骤“${q.step}”的应答“${v}”不在可选项中：${q.choices.map((c) => c.value).join('、')}` },
        { file: this.a.file },
      );
    this.show(q, v);
    return v;
  }

  say(text: string): void {
    this.out(text.endsWith('\n') ? text : text + '\n');
  }
}
