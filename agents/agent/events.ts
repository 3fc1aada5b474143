import winston from 'winston';

/**
 * Named internal events (`<Noun><Verb>[Error]`, after Vector's internal_events): one `emit()` both
 * counts and logs. Counters are what `gwsec agent status` shows; the log is JSON lines.
 */
export const EVENTS = {
  AgentStarted: 'info',
  AgentStopped: 'info',
  SourceStarted: 'info',
  SourceUnavailable: 'warn',
  FileDiscovered: 'info',
  FileRotated: 'info',
  FileTruncated: 'warn',
  /** Lines may have been lost (rotation outran the agent, or a file vanished before it was read to its end). */
  FileLossPossible: 'warn',
  FileLinesRead: 'debug',
  FileReadError: 'warn',
  LineTooLong: 'warn',
  PartialLineFlushed: 'info',
  JournaldEntriesRead: 'debug',
  LineParseError: 'debug',
  DetectorError: 'error',
  ArchiveRecordsWritten: 'debug',
  ArchiveWriteError: 'error',
  ArchiveRecovered: 'info',
  DiskPressure: 'error',
  DiskPressureRelieved: 'info',
  CheckpointWritten: 'info',
  CheckpointError: 'error',
  SegmentsPruned: 'info',
  PruneSkipped: 'warn',
  ClockJumpDetected: 'warn',
  CursorsRecovered: 'info',
  StateWriteError: 'error',
  /** Detection (agents/agent/detect): a new alert (repeats only raise its count in the store). */
  AlertRaised: 'warn',
  FimStarted: 'info',
  /** The rule engine's keyed state of the last run came back (detect-state.json). */
  DetectionStateRestored: 'info',
  AnchorsMigrated: 'info',
  ArchiveVerified: 'info',
  /** The archive failed verification at start: the agent keeps appending, loudly (status flag archive_check). */
  ArchiveVerifyFailed: 'error',
  // Reporting to the collector (agents/agent/reporter.ts, outbox.ts)
  CollectorConnected: 'info',
  CollectorUnavailable: 'warn',
  ClockSkewFlagged: 'warn',
  /** The outbox hit its bound: items are counted into a gap (the archive keeps every line). */
  OutboxGapOpened: 'error',
  OutboxGapRecorded: 'warn',
} as const;

export type EventName = keyof typeof EVENTS;
export type EventFields = Record<string, string | number | boolean | undefined>;

export interface Events {
  emit(name: EventName, fields?: EventFields): void;
  /** Add to a counter without logging (hot paths: lines, bytes). */
  count(counter: string, n?: number): void;
  readonly counters: Record<string, number>;
  close(): Promise<void>;
}

/**
 * Counters: every event counts 1 under its name; `count`/`bytes`/`lines` fields add to `<Name>.<field>`.
 * The log is winston's JSON lines on stdout (journald picks them up under systemd).
 */
export function createEvents(opts: { level?: string; stream?: NodeJS.WritableStream; silent?: boolean } = {}): Events {
  const counters: Record<string, number> = {};
  const logger = winston.createLogger({
    level: opts.level ?? 'info',
    silent: opts.silent ?? false,
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports: [new winston.transports.Stream({ stream: opts.stream ?? process.stdout })],
  });
  const add = (k: string, n: number) => {
    counters[k] = (counters[k] ?? 0) + n;
  };
  return {
    counters,
    count: add,
    emit(name, fields = {}) {
      add(name, 1);
      for (const f of ['lines', 'bytes', 'records'] as const) {
        const v = fields[f];
        if (typeof v === 'number') add(`${name}.${f}`, v);
      }
      logger.log(EVENTS[name], name, { event: name, ...fields });
    },
    close: () =>
      new Promise<void>((res) => {
        logger.on('finish', () => res());
        logger.end();
        setTimeout(res, 200).unref();
      }),
  };
}
