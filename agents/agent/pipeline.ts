/**
 * The agent's typed pipeline (after Vector's component model): sources are nouns that produce
 * batches of lines, detectors are verbs that look at them (the rule engine: detect/index.ts), sinks take the batch and acknowledge it. Sources advance their durable cursor
 * only when every sink has acknowledged (see runner.ts).
 */
import type { Events } from './events.js';
import type { LogFormat } from './config.js';
import type { ParsedLine } from '../../src/parsers/loglines.js';

/** One line as it travels: the source name, the original text (without its "\n"), its format. */
export interface LineRecord {
  source: string;
  line: string;
}

/** How far a batch moves one source (opaque to everyone but that source). */
export interface SourcePart {
  source: string;
  lines: number;
  /** What commit() needs to move the position. */
  data: unknown;
  /** The JSON form written to the intent log before the archive append (default: data). */
  intent?: unknown;
  /**
   * Which stream of the source the lines come from (a file source: the tracked file), when a source
   * has several: a batch read again after a failed append starts where its stream's commit stands.
   */
  stream?: string;
}

export interface SourceBatch {
  records: LineRecord[];
  parts: SourcePart[];
  bytes: number;
  /** More is ready to read right now (the byte budget cut this batch short): poll again at once. */
  more?: boolean;
}

export interface SourceContext {
  events: Events;
  now: () => Date;
  /** Wake the runner early (new data is likely there). */
  wake: () => void;
}

export interface Source {
  readonly name: string;
  readonly kind: 'file' | 'journald' | 'alerts';
  readonly format: LogFormat;
  /** Restore durable state (null: first start) and begin watching. */
  start(state: unknown, ctx: SourceContext): Promise<void>;
  /** Read up to maxBytes of complete lines from the committed position; never moves it. */
  poll(maxBytes: number): Promise<SourceBatch | null>;
  /** The archive holds the first `archived` lines of this part: move the committed position. */
  commit(part: SourcePart, archived: number): void;
  /** Durable state (cursors) as of the last commit. */
  snapshot(): unknown;
  status(): Promise<SourceStatus>;
  stop(): Promise<void>;
}

export interface SourceStatus {
  name: string;
  kind: string;
  available: boolean;
  files?: Array<{ path: string; offset: number; size: number; lag: number; dev: number; ino: number }>;
  cursor?: string;
  lag: number;
}

/** One line as a detector sees it. */
export interface DetectorLine {
  source: string;
  format: LogFormat;
  parsed: ParsedLine | null;
  /** The text (decoded on first use). */
  readonly line: string;
  /** The archive sequence number the line gets. */
  seq: number;
  record: LineRecord;
}

/**
 * A detector sees every line once, before the sinks; it may raise events, never drop lines. A line
 * read again after a failed archive append (a retry) is not shown again.
 */
export interface Detector {
  readonly name: string;
  /** Formats it wants parsed (only those lines are parsed: parsing costs CPU). */
  readonly formats: ReadonlyArray<LogFormat> | 'all';
  /** A promise returned holds the reader back until it settles (a detector that is behind). */
  observe?(lines: ReadonlyArray<DetectorLine>, events: Events): void | Promise<void>;
  /**
   * The same without a per-line view (the rule engine's worker takes the bytes): the records of the
   * batch, the index ranges [from, to) to look at, and the archive sequence of record 0 minus one.
   */
  observeRecords?(records: ReadonlyArray<LineRecord>, ranges: ReadonlyArray<[number, number]>, baseSeq: number, events: Events): void | Promise<void>;
}

/** A sink durably accepts a batch; `write` resolving is the acknowledgement. */
export interface Sink {
  readonly name: string;
  open(): Promise<void>;
  /** Returns how many records of the batch are durable (all of them unless it throws). */
  write(records: LineRecord[]): Promise<void>;
  /** After a failed write: reopen, and say how many records of that batch did become durable. */
  recover(): Promise<number>;
  healthcheck(): Promise<boolean>;
  close(): Promise<void>;
}
