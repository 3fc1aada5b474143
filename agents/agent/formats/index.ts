/** The agent's line parsers live in src/parsers/loglines.ts (the detection engine and `gwsec detect --file` use them too). */
export { parsers, type ParsedLine } from '../../../src/parsers/loglines.js';
