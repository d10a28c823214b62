module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  testRules: {
    // Golden-file tests assert through expectToMatchGolden from @hostplane/local-hub, the
    // dry-run tests through a helper of their own.
    'jest/expect-expect': [
      'warn',
      {
        assertFunctionNames: [
          'expect',
          'expectToMatchGolden',
          'expectAcceptedByDryRun',
        ],
      },
    ],
  },
});
