// ava's settings (moved out of package.json so its timeout can follow the tests' one time scale:
// GWSEC_TEST_TIME_SCALE, the factor test/helpers/time.ts applies to every limit a test sets).
const raw = process.env.GWSEC_TEST_TIME_SCALE;
const scale = raw === undefined || raw.trim() === '' ? 1 : Number(raw);
if (!Number.isFinite(scale) || scale < 1) throw new Error(`GWSEC_TEST_TIME_SCALE must be a number ≥ 1, got '${raw}'`);

export default {
  files: ['build/test/**/*.test.js'],
  nodeArguments: ['--enable-source-maps'],
  // no test output for this long fails the run (a hung worker); nominal 120 s
  timeout: `${Math.ceil(120 * scale)}s`,
  concurrency: 2,
};
