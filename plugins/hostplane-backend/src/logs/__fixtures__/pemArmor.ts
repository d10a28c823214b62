/**
 * The armor lines of a PEM private key block, for planting key-shaped text in logs that the
 * redaction must remove. Built from parts so that no source file holds key material, not even
 * a fake block; the bodies the tests put between them are random or truncated.
 */
const DASHES = '-'.repeat(5);

export const pemBegin = (type: string) =>
  `${DASHES}BEGIN ${type} PRIVATE KEY${DASHES}`;

export const pemEnd = (type: string) =>
  `${DASHES}END ${type} PRIVATE KEY${DASHES}`;
