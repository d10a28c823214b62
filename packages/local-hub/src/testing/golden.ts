import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';

/**
 * Compares objects with a YAML file kept beside the test. `UPDATE_GOLDEN=1` rewrites the file
 * instead, so a deliberate change is reviewed as a diff of the golden file.
 */
export function expectToMatchGolden(actual: unknown, goldenPath: string): void {
  const documents = Array.isArray(actual) ? actual : [actual];
  const rendered = documents
    .map(d => stringify(d, { lineWidth: 0 }))
    .join('---\n');
  if (process.env.UPDATE_GOLDEN === '1') {
    fs.mkdirSync(path.dirname(goldenPath), { recursive: true });
    fs.writeFileSync(goldenPath, rendered);
    return;
  }
  if (!fs.existsSync(goldenPath)) {
    throw new Error(
      `No golden file ${goldenPath}; run the test with UPDATE_GOLDEN=1 to create it`,
    );
  }
  expect(rendered).toEqual(fs.readFileSync(goldenPath, 'utf8'));
}
