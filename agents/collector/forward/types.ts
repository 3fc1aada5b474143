/** A forwarder takes alerts newly stored at the collector and sends them on to the SOC. */
import type { Alert } from '../../../src/model/alert.js';

export interface Forwarder {
  readonly name: string;
  send(alerts: Array<Alert & { agent_id: string }>): void;
  close(): Promise<void>;
}
