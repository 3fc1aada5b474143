/** The agent ↔ collector wire format: length-prefixed JSON frames over (mutual) TLS. */
export { MAX_FRAME_BYTES, ProtocolError, FrameDecoder, encodeFrame, encodeSplicedFrame } from './frame.js';
export * from './messages.js';
export { FrameConnection, IntakeBudget } from './connection.js';
export { makeToken, parseToken, parseTtl, makeCsr } from './enrolment.js';
