/** The tamper-evident journal: append-only SM3-chained segments with SM2-signed checkpoints. */
export { Journal, compressSegment, readMeta, type ArchiveMeta, type JournalOptions, type RecoveryReport } from './journal.js';
export { checkpointMessage, type Checkpoint, type Signer } from './checkpoint.js';
export { verifyArchive, type Problem, type ProblemKind, type VerifyOptions, type VerifyResult } from './verify.js';
export { prune, MIN_RETENTION_DAYS, type PruneResult } from './prune.js';
export { readRecords, type JournalRecord, type ReadFilter } from './read.js';
export type { Appendable } from './format.js';
export { verifyOffHost, offHostLines, type HeldCheckpoint, type OffHostResult } from './offhost.js';
