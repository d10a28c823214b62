module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  testRules: {
    // The property-based input tests assert through this helper of theirs.
    'jest/expect-expect': [
      'warn',
      { assertFunctionNames: ['expect', 'expectFieldErrors'] },
    ],
  },
});
