import type { HostFacts } from '../model/facts.js';
import type { HostStatus } from '../model/status.js';

/** A host-level failure: nothing could be collected, so nothing about the host was judged. */
export interface HostFailure {
  code: string;
  message: string;
  zh?: string;
}

/** Transport and collection error codes → the host status the report shows (JSON `hosts[].status`). */
export function hostStatusOf(code: string): Exclude<HostStatus, 'ok'> {
  switch (code) {
    case 'transport_connect_error':
      return 'unreachable';
    case 'transport_hostkey_unknown':
      return 'host_key_unknown';
    case 'transport_hostkey_changed':
    case 'transport_hostkey_revoked': // the presented key is not the trusted one either way
      return 'host_key_changed';
    case 'transport_auth_error':
    case 'transport_sudo_error':
      return 'auth_failed';
    case 'transport_timeout':
    case 'timeout':
      return 'timeout';
    default:
      return 'collection_failed';
  }
}

/**
 * Why a host could not be audited, or undefined when it could. Facts files written before
 * `HostFacts.error` existed still say so: every collected family carries the same transport error.
 */
export function hostFailure(h: HostFacts): HostFailure | undefined {
  if (h.error) return h.error;
  const families = Object.entries(h.facts).filter(([k]) => k !== 'inventory').map(([, v]) => (v as { error?: HostFailure } | undefined)?.error);
  const first = families[0];
  if (!first || !first.code?.startsWith('transport_')) return undefined;
  return families.every((e) => e?.code === first.code && e.message === first.message) ? { code: first.code, message: first.message, ...(first.zh ? { zh: first.zh } : {}) } : undefined;
}
