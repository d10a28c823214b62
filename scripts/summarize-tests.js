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
    console.error(`no test report at ${file}: ${error.message}`);
    problems += 1;
    return undefined;
  }
}

const jest = read(jestFile);
if (jest) {
  passed += jest.numPassedTests;
  failed += jest.numFailedTests + jest.numRuntimeErrorTestSuites;
  if (jest.numTotalTests === 0) problems += 1;
}
const playwright = read(playwrightFile);
if (playwright) {
  passed += playwright.stats.expected;
  failed += playwright.stats.unexpected + playwright.stats.flaky;
  if (playwright.stats.expected + playwright.stats.unexpected === 0)
    problems += 1;
}
console.log(`hostplane: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || problems > 0 ? 1 : 0);
