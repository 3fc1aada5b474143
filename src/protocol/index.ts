/** The agent ↔ collector wire format: length-prefixed JSON frames over (mutual) TLS. */
export { PROTOCOL_VERSION, MAX_FRAME_BYTES, ProtocolError, FrameDecoder, encodeFrame, type ProtocolErrorCode } from './frame.js';
export * from './messages.js';
export { FrameConnection } from './connection.js';
export { makeToken, parseToken, hashSecret, parseTtl, makeCsr } from './enrolment.js';
