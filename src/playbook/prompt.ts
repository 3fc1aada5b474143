/**
 * The interactive asker: @inquirer/prompts, the countdown lines rendered as part of every prompt's
 * message, the step timeout as an AbortSignal. Ctrl+C stops the run cleanly (the journal already
 * holds everything answered; `gwsec playbook resume` continues).
 */
import { confirm, input, select } from '@inquirer/prompts';
import { GwsecError } from '../model/errors.js';
import { PromptTimeout, type Ask, type Asker } from './asker.js';

export class TerminalAsker implements Asker {
  readonly mode = 'interactive' as const;
  constructor(
    private readonly out: (text: string) => void,
    private readonly resumeHint: () => string,
  ) {}

  private async wrap<T>(q: Ask, run: (message: string, signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    const message = [...q.header, q.message].join('\n');
    const signal = q.timeoutMs ? AbortSignal.timeout(q.timeoutMs) : undefined;
    try {
      return await run(message, signal);
    } catch (e) {
      const name = (e as Error).name;
      if (name === 'AbortPromptError') throw new PromptTimeout(q.step);
      if (name === 'ExitPromptError') throw new GwsecError('interrupted', { en: `interrupted; everything answered so far is journaled. ${this.resumeHint()}`, zh: `已中断；此前的应答均已记入日志。${this.resumeHint()}` });
      throw e;
    }
  }

  input(q: Ask & { default?: string; validate?: (v: string) => string | true }): Promise<string> {
    return this.wrap(q, (message, signal) =>
      input({ message, default: q.default, required: q.default === undefined, validate: q.validate ? (v: string) => q.validate!(v.trim()) : undefined }, { signal }).then((v) => v.trim()),
    );
  }

  confirm(q: Ask & { default?: boolean }): Promise<boolean> {
    return this.wrap(q, (message, signal) => confirm({ message, default: q.default }, { signal }));
  }

  select(q: Ask & { choices: Array<{ value: string; name: string }>; default?: string }): Promise<string> {
    return this.wrap(q, (message, signal) => select({ message, choices: q.choices, default: q.default }, { signal }));
  }

  say(text: string): void {
    this.out(text.endsWith('\n') ? text : text + '\n');
  }
}
