/**
 * One framed, message-validated connection over a stream socket (TLS in practice). Used by both
 * ends: the collector decodes agent messages, the agent decodes collector messages. A protocol
 * error closes this connection only, after telling the peer its code.
 */
import type { Duplex } from 'node:stream';
import { FrameDecoder, MAX_FRAME_BYTES, PROTOCOL_VERSION, ProtocolError, encodeFrame } from './frame.js';

export interface FrameConnectionOptions<In> {
  decode: (frame: Buffer) => In;
  maxFrameBytes?: number;
  /**
   * Backpressure: stop reading the socket while this many frames wait to be handled (the peer's
   * TCP window closes; its bytes wait in kernel buffers, not in this process). Default: no bound.
   */
  maxQueued?: number;
  /** A budget shared by many connections (the collector's): reading pauses while it is spent. */
  intake?: IntakeBudget;
  onMessage: (m: In) => void | Promise<void>;
  /** A protocol error from the peer's bytes (before the connection is closed). */
  onProtocolError?: (e: ProtocolError) => void;
  onClose?: (err?: Error) => void;
}

/**
 * Bytes of frames received and not yet handled, across connections: above `limit` every connection
 * stops reading until handling brings it back under. Bounds what a burst from many peers (all
 * agents catching up at once) can make a process hold.
 */
export class IntakeBudget {
  private held = 0;
  private readonly waiting = new Set<() => void>();
  constructor(readonly limit: number) {}
  get full(): boolean {
    return this.held >= this.limit;
  }
  get bytes(): number {
    return this.held;
  }
  take(n: number): void {
    this.held += n;
  }
  give(n: number): void {
    this.held -= n;
    if (!this.full) for (const w of [...this.waiting]) w();
  }
  wait(resume: () => void): void {
    this.waiting.add(resume);
  }
  unwait(resume: () => void): void {
    this.waiting.delete(resume);
  }
}

export class FrameConnection<In, Out extends object> {
  private readonly decoder: FrameDecoder;
  private closed = false;
  private queued = 0;
  private paused = false;
  private readonly resume = () => this.maybeResume();
  private notified = false;
  /** Messages are handled one at a time, in order (an ack never overtakes the store write before it). */
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly socket: Duplex,
    private readonly o: FrameConnectionOptions<In>,
  ) {
    this.decoder = new FrameDecoder(o.maxFrameBytes ?? MAX_FRAME_BYTES);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.finish(e));
    socket.on('close', () => this.finish());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  send(m: Out): boolean {
    if (this.closed) return false;
    return this.socket.write(encodeFrame({ v: PROTOCOL_VERSION, ...m }, this.o.maxFrameBytes ?? MAX_FRAME_BYTES));
  }

  /** Send a frame already encoded (encodeSplicedFrame). */
  sendFrame(frame: Buffer): boolean {
    if (this.closed) return false;
    return this.socket.write(frame);
  }

  /** Send an error and close (the error reaches the peer before the FIN). */
  fail(code: string, message: string): void {
    if (this.closed) return;
    try {
      this.socket.write(encodeFrame({ v: PROTOCOL_VERSION, kind: 'error', code, message: message.slice(0, 1000) }));
    } catch {
      /* socket already gone */
    }
    this.socket.end();
    // A peer that never reads must not keep the socket: destroy after a grace period.
    setTimeout(() => this.socket.destroy(), 2000).unref();
    this.closed = true;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    let frames: Buffer[];
    try {
      frames = this.decoder.push(chunk);
    } catch (e) {
      return this.protocolError(e);
    }
    for (const f of frames) {
      this.queued++;
      this.o.intake?.take(f.length);
      // Decoded when its turn comes: what waits is the compact frame, not the parsed objects.
      this.chain = this.chain.then(async () => {
        try {
          if (this.closed) return;
          let m: In;
          try {
            m = this.o.decode(f);
          } catch (e) {
            return this.protocolError(e);
          }
          await this.o.onMessage(m);
        } catch (e) {
          if (e instanceof ProtocolError) this.protocolError(e);
          else this.fail('internal_error', (e as Error).message);
        } finally {
          this.queued--;
          this.o.intake?.give(f.length);
          this.maybeResume();
        }
      });
    }
    if (this.queued >= (this.o.maxQueued ?? Infinity) || this.o.intake?.full) {
      if (!this.paused) {
        this.paused = true;
        this.socket.pause();
      }
      this.o.intake?.wait(this.resume);
    }
  }

  private maybeResume(): void {
    if (!this.paused || this.closed) return;
    if (this.queued >= (this.o.maxQueued ?? Infinity) || this.o.intake?.full) return;
    this.paused = false;
    this.o.intake?.unwait(this.resume);
    this.socket.resume();
  }

  private protocolError(e: unknown): void {
    const pe = e instanceof ProtocolError ? e : new ProtocolError('invalid_message', String(e));
    this.o.onProtocolError?.(pe);
    this.fail(pe.code, pe.message);
  }

  private finish(err?: Error): void {
    this.closed = true;
    this.o.intake?.unwait(this.resume);
    if (this.notified) return;
    this.notified = true;
    this.o.onClose?.(err);
  }
}
