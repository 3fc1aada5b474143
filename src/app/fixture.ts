import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { collectors } from '../audit/registry.js';
import { collectRaw } from '../collectors/run.js';
import { sharedForm } from '../collectors/redact.js';
import { GwsecError } from '../model/errors.js';
import type { Transport } from '../transport/types.js';
import { targetsFrom, type TargetOptions } from './targets.js';
import type { Io } from './io.js';
import { detectLang, translator } from '../i18n/index.js';

/**
 * `gwsec fixture record DIR`: run every collector's requests once on a host and write the answers as
 * a fixture folder (host.yaml, files/, cmd/) that the fixture transport replays. Unreadable files go
 * to host.yaml `denied:`. What a collector declares secret is written reduced (Collector.redact:
 * shadow and passwd hashes, machine-id and product_uuid as their digests, passwords on cron lines),
 * so that the fixture gives the live host's facts without its secrets; host.yaml lists what was
 * reduced. Other configuration is written as read: look before sharing a fixture of a real host.
 */
export async function fixtureRecord(o: TargetOptions & { dir: string; sudo?: boolean; timeoutS?: number; lang?: string }, io: Io): Promise<number> {
  const targets = await targetsFrom(o, io, o.inventory ? await (await import('../inventory/load.js')).loadInventory(o.inventory) : undefined);
  if (targets.length !== 1) throw new GwsecError('usage_error', {
      en: `fixture record takes exactly one host (got ${targets.length}); use --hosts NAME with an inventory`,
      zh: `fixture record 只能录制一台主机（实际为 ${targets.length} 台）；使用清单时请用 --hosts 指定主机名`,
    });
  const t = targets[0]!;
  const transport: Transport = typeof t.transport === 'function' ? await t.transport({ onHostKey: () => {} }) : t.transport;
  try {
    const raw = await collectRaw(transport, collectors.flatMap((c) => c.requests), { sudo: t.sudo ?? o.sudo, timeoutMs: (o.timeoutS ?? 120) * 1000 });
    if (raw.failure) throw new GwsecError('fixture_record_error', { en: `${t.name}: ${raw.failure.message}`, zh: `${t.name}：${raw.failure.zh ?? raw.failure.message}` });
    const denied: string[] = [];
    const redacted: string[] = [];
    const share = sharedForm(collectors);
    const reduce = (key: string, text: string): string => {
      const f = share(key);
      if (!f) return text;
      redacted.push(key);
      return f(text);
    };
    for (const [path, f] of raw.answers.files) {
      if (f.status === 'denied') denied.push(path);
      if (f.status !== 'ok') continue;
      const dest = join(o.dir, 'files', path);
      mkdirSync(dirname(dest), { recursive: true });
      writeFileSync(dest, reduce(path, f.content));
    }
    mkdirSync(join(o.dir, 'cmd'), { recursive: true });
    for (const [name, c] of raw.answers.cmds) {
      writeFileSync(join(o.dir, 'cmd', `${name}.txt`), reduce(`cmd:${name}`, c.stdout));
      if (c.exitCode !== 0) writeFileSync(join(o.dir, 'cmd', `${name}.rc`), `${c.exitCode}\n`);
      if (c.stderr) writeFileSync(join(o.dir, 'cmd', `${name}.err`), c.stderr);
    }
    const meta = { name: t.name, description: { en: `recorded from ${transport.id}`, zh: `录制自 ${transport.id}` }, roles: t.roles, public_ip: t.publicIps[0] ?? null, denied, redacted: redacted.sort() };
    writeFileSync(join(o.dir, 'host.yaml'), stringify(meta));
    const files = [...raw.answers.files.values()].filter((f) => f.status === 'ok').length;
    io.out(translator(detectLang(o.lang, io.env))('fixture.recorded', { dir: o.dir, cmds: raw.answers.cmds.size, files, denied: denied.length, redacted: redacted.length }) + '\n');
    return 0;
  } finally {
    await transport.close();
  }
}
