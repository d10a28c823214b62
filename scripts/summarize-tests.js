// Prints a line for each test tier and one closing line for the whole suite, from the tiers' Jest
// and Playwright JSON reports (given as tier=file), and fails when a report is missing or counts
// no test (a tier that ran nothing has not passed).
const fs = require('node:fs');

let passed = 0;
let failed = 0;
let problems = 0;

function problem(message) {
  console.error(message);
  problems += 1;
}

function read(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    problem(`no test report at ${file}: ${error.message}`);
    return undefined;
  }
}

/** Passed and failed tests of one report, Jest's or Playwright's. */
function count(tier, report) {
  if ('numTotalTests' in report) {
    if (report.numTotalTests === 0) problem(`${tier}: Jest ran no test`);
    return {
      passed: report.numPassedTests,
      failed: report.numFailedTests + report.numRuntimeErrorTestSuites,
    };
  }
  // Errors outside any test, such as a failed global setup, which runs no test at all.
  for (const error of report.errors ?? []) {
    problem(`${tier}: ${error.message}`);
  }
  const { expected, unexpected, flaky } = report.stats;
  if (expected + unexpected === 0) problem(`${tier}: Playwright ran no test`);
  return { passed: expected, failed: unexpected + flaky };
}

for (const arg of process.argv.slice(2)) {
  const [tier, file] = arg.includes('=') ? arg.split(/=(.*)/s) : [arg, arg];
  const report = read(file);
  if (!report) continue;
  const counted = count(tier, report);
  console.log(`${tier}: ${counted.passed} passed, ${counted.failed} failed`);
  passed += counted.passed;
  failed += counted.failed;
}
console.log(
  `hostplane: ${passed} passed, ${failed} failed${
    problems ? `, ${problems} problem(s) above` : ''
  }`,
);
process.exit(failed > 0 || problems > 0 ? 1 : 0);
