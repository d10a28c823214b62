module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  testRules: {
    // Golden-file tests assert through this helper from @hostplane/local-hub.
    'jest/expect-expect': [
      'warn',
      { assertFunctionNames: ['expect', 'expectToMatchGolden'] },
    ],
  },
});
