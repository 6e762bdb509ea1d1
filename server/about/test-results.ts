// What the project's own accessibility tests found, for the accessibility statement's "how Vardag was tested": the
// summary of the last run of test/browser/accessibility.test.ts (axe on every kind of page) and the other browser
// checks, kept in test-results.json beside this file. test/about/test-results.test.ts fails when the browser tests
// check a kind of page the summary does not name, or when axe's version moved on, so the summary cannot go stale.
import fs from 'node:fs';
import path from 'node:path';

export interface TestResults {
  /** The day the tests last ran with these results (YYYY-MM-DD). */
  testedOn: string;
  tool: string; toolVersion: string; standard: string;
  /** The kinds of page axe checked (the browser test's names for them). */
  pageKinds: string[];
  /** The WCAG A and AA violations axe found on them. */
  violations: number;
  /** The other checks each run makes: keys of about.accessibility.checks in the catalogue. */
  checks: string[];
}

export const TEST_RESULTS_FILE = path.join(import.meta.dirname, 'test-results.json');

export function readTestResults(file = TEST_RESULTS_FILE): TestResults {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as TestResults;
}
