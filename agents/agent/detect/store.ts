/**
 * The local alert store: an append-only JSON-lines file (one line per new alert or update, fsync'd
 * per write) that survives restarts. Reading folds lines by alert id (the last state wins). When the
 * file passes `maxBytes` it is compacted to one line per alert (temp + rename: never half-written).
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import type { Alert } from '../../../src/model/alert.js';
import { writeFileAtomic } from '../../../src/util/fs.js';

export interface StoredAlert {
  /** When the agent stored this state (wall clock; alert times are the events' own). */
  storedAt: string;
  alert: Alert;
}

export class AlertStore {
  private fd: number | null = null;
  private size = 0;

  constructor(
    readonly file: string,
    private readonly maxBytes = 64 * 1024 * 1024,
  ) {}

  /** Append the latest state of each alert; durable when it returns. */
  append(alerts: Alert[], now: Date): void {
    if (!alerts.length) return;
    if (this.fd === null) {
      this.fd = openSync(this.file, 'a', 0o600);
      this.size = statSync(this.file).size;
    }
    const at = now.toISOString();
    const text = alerts.map((alert) => JSON.stringify({ storedAt: at, alert } satisfies StoredAlert)).join('\n') + '\n';
    writeSync(this.fd, text);
    fsyncSync(this.fd);
    this.size += Buffer.byteLength(text);
    if (this.size > this.maxBytes) this.compact();
  }

  private compact(): void {
    const all = readAlerts(this.file);
    this.close();
    writeFileAtomic(this.file, all.map((s) => JSON.stringify(s)).join('\n') + (all.length ? '\n' : ''));
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/** Every alert's latest state, oldest first (by first-seen). A torn last line (crash) is skipped. */
export function readAlerts(file: string): StoredAlert[] {
  if (!existsSync(file)) return [];
  const byId = new Map<string, StoredAlert>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    try {
      const s = JSON.parse(line) as StoredAlert;
      if (s && typeof s.alert?.id === 'string') byId.set(s.alert.id, s);
    } catch {
      /* a line cut short by a crash */
    }
  }
  return [...byId.values()].sort((a, b) => a.alert.firstSeen.localeCompare(b.alert.firstSeen));
}
