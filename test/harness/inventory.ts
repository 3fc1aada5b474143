import { stringify } from 'yaml';

export type InventorySudo = boolean | 'nopasswd' | 'password';

/** One `hosts:` entry of a gwsec inventory (the fields the harness knows; extra keys pass through). */
export interface InventoryHost {
  name: string;
  address: string;
  port: number;
  roles: string[];
  tags: string[];
  public_ip: string | null;
  proxy_jump: string | null;
  /** true means 'password' to gwsec */
  sudo: InventorySudo;
  [key: string]: unknown;
}

export interface InventoryDoc {
  site: { name: string; domains: string[] };
  operator: { unit: string; class: 'cii' | 'state_organ' | 'other' };
  defaults: { user: string; port: number; identity_file?: string; sudo: InventorySudo; [key: string]: unknown };
  hosts: InventoryHost[];
  [key: string]: unknown;
}

export function inventoryYaml(doc: InventoryDoc): string {
  return '# written by the gwsec test harness\n' + stringify(doc, { lineWidth: 0 });
}
