/**
 * The explicit registry of collectors and derivers. One import and one list entry each; the parity
 * test (test/policy/parity.test.ts) fails, saying what to add, when a check needs a fact no collector
 * or deriver declares, or a collector lacks a test or fixture answers.
 */
import type { Collector, Deriver } from './types.js';
import { inventoryDeriver } from '../facts/inventory.js';

export const collectors: Collector[] = [
];

export const derivers: Deriver[] = [
  inventoryDeriver,
];
