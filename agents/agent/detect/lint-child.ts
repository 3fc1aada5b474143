/** Child process of lint.ts: the regex check of one rules directory, answered as JSON on stdout. */
import { ruleRegexProblems } from '../../../src/app/detect.js';

const problems = ruleRegexProblems(process.argv[2]!);
process.stdout.write(JSON.stringify(problems.map((e) => ({ code: e.code, message: e.message, zh: e.zh, location: e.location }))));
process.exitCode = problems.length ? 2 : 0;
