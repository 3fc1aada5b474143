/**
 * Framing of the collector protocol: each frame is a 4-byte big-endian length followed by that many
 * bytes of UTF-8 JSON. The length is checked before anything is buffered, so an oversized frame is
 * refused at its header and can never make the collector hold more than `maxBytes` for one peer.
 */
export const PROTOCOL_VERSION = 1;
/** Default hard limit on one frame's body (an alert batch of 500 fits easily). */
export const MAX_FRAME_BYTES = 1 << 20;

export type ProtocolErrorCode =
  | 'frame_too_large'
  | 'frame_empty'
  | 'malformed_json'
  | 'invalid_message'
  | 'unsupported_version'
  | 'not_enrolled'
  | 'unexpected_message';

/** A coded protocol error: the peer is told the code, the connection is closed, nothing else is affected. */
export class ProtocolError extends Error {
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

export function encodeFrame(body: unknown, maxBytes = MAX_FRAME_BYTES): Buffer {
  const json = Buffer.from(JSON.stringify(body), 'utf8');
  if (json.length > maxBytes) throw new ProtocolError('frame_too_large', `frame of ${json.length} bytes exceeds the limit of ${maxBytes}`);
  const out = Buffer.allocUnsafe(4 + json.length);
  out.writeUInt32BE(json.length, 0);
  json.copy(out, 4);
  return out;
}

/**
 * The frame `encodeFrame({ v, kind, [field]: value })` gives, for a value the sender already holds
 * serialised (a list of values when `json` is an array): the agent's outbox keeps every item as its
 * JSON bytes, so a batch is spliced together instead of parsed and serialised again.
 */
export function encodeSplicedFrame(kind: string, field: string, json: Buffer | Buffer[], maxBytes = MAX_FRAME_BYTES): Buffer {
  const head = Buffer.from(`${JSON.stringify({ v: PROTOCOL_VERSION, kind }).slice(0, -1)},${JSON.stringify(field)}:${Array.isArray(json) ? '[' : ''}`);
  const tail = Buffer.from(Array.isArray(json) ? ']}' : '}');
  const parts: Buffer[] = [Buffer.alloc(4), head];
  if (Array.isArray(json))
    json.forEach((j, i) => {
      if (i) parts.push(COMMA);
      parts.push(j);
    });
  else parts.push(json);
  parts.push(tail);
  const out = Buffer.concat(parts);
  const len = out.length - 4;
  if (len > maxBytes) throw new ProtocolError('frame_too_large', `frame of ${len} bytes exceeds the limit of ${maxBytes}`);
  out.writeUInt32BE(len, 0);
  return out;
}
const COMMA = Buffer.from(',');

/** Incremental decoder: push() whatever the socket delivered, get whole frame bodies back. */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private need = -1;

  constructor(private readonly maxBytes = MAX_FRAME_BYTES) {}

  /** Throws ProtocolError on an oversized or empty frame; the stream cannot be resynchronised after that. */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: Buffer[] = [];
    for (;;) {
      if (this.need < 0) {
        if (this.buffered < 4) break;
        const len = this.take(4).readUInt32BE(0);
        if (len > this.maxBytes) throw new ProtocolError('frame_too_large', `frame of ${len} bytes exceeds the limit of ${this.maxBytes}`);
        if (len === 0) throw new ProtocolError('frame_empty', 'empty frame');
        this.need = len;
      }
      if (this.buffered < this.need) break;
      out.push(this.take(this.need));
      this.need = -1;
    }
    return out;
  }

  /** Bytes held for an incomplete frame. */
  get pending(): number {
    return this.buffered;
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
    const head = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.buffered = rest.length;
    return head;
  }
}
