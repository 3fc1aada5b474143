import { t } from '../model/schema.js';
import { cleanDmiValue, DMI_FIELDS, identifyProvider, type DmiValues, type HostingProvider } from '../parsers/dmi.js';
import type { Collector } from './types.js';

export interface DmiFacts extends DmiValues {
  /** false: no /sys/class/dmi (ARM boards, some containers) — nothing to identify. */
  available: boolean;
  provider: HostingProvider;
}

const DIR = '/sys/class/dmi/id';

export const dmi: Collector<DmiFacts> = {
  id: 'dmi',
  description: 'SMBIOS vendor/product/chassis fields (world-readable ones only) and the hosting provider they identify',
  schema: t.obj({
    available: t.bool,
    ...Object.fromEntries(DMI_FIELDS.map((f) => [f, t.nullable(t.str)])),
    provider: t.obj({ id: t.str, name: t.str, kind: t.enum('cloud', 'onprem', 'virtual', 'unknown'), matched: t.nullable(t.str) }),
  }),
  requests: DMI_FIELDS.map((f) => ({ kind: 'file' as const, path: `${DIR}/${f}` })),
  parse(out) {
    const values: DmiValues = {};
    let seen = 0;
    for (const f of DMI_FIELDS) {
      let raw: string | null;
      try {
        raw = out.text(`${DIR}/${f}`);
      } catch {
        raw = null; // a field made root-only by a hardened kernel: skip it, the others still identify
      }
      if (raw !== null) seen++;
      const v = cleanDmiValue(raw);
      if (v !== null) values[f] = v;
    }
    return { available: seen > 0, ...values, provider: identifyProvider(values) };
  },
};
