// Prints one closing line for the whole suite from the Jest and Playwright JSON reports, and
// fails when a report is missing or counts no test (a suite that ran nothing has not passed).
const fs = require('node:fs');

const [jestFile, playwrightFile] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let problems = 0;

function read(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    problem(`no test report at ${file}: ${error.message}`);
    return undefined;
  }
}

function problem(message) {
  console.error(message);
  problems += 1;
}

const jest = read(jestFile);
if (jest) {
  passed += jest.numPassedTests;
  failed += jest.numFailedTests + jest.numRuntimeErrorTestSuites;
  if (jest.numTotalTests === 0) problem('Jest ran no test');
}
const playwright = read(playwrightFile);
if (playwright) {
  passed += playwright.stats.expected;
  failed += playwright.stats.unexpected + playwright.stats.flaky;
  // Errors outside any test, such as a failed global setup, which runs no test at all.
  for (const error of playwright.errors ?? []) {
    problem(`end-to-end run: ${error.message}`);
  }
  if (playwright.stats.expected + playwright.stats.unexpected === 0)
    problem('Playwright ran no test');
}
console.log(
  `hostplane: ${passed} passed, ${failed} failed${
    problems ? `, ${problems} problem(s) above` : ''
  }`,
);
process.exit(failed > 0 || problems > 0 ? 1 : 0);
