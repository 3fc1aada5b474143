/** A worker of `gwsec detect --file` (hunt.ts): one byte range of the file, the events rules act on. */
import { parentPort, workerData } from 'node:worker_threads';
import { runChunk, type ChunkJob } from './hunt.js';

parentPort!.postMessage(runChunk(workerData as ChunkJob));
