/**
 * Entry point the extension host loads for the integration tier (code-server's payload
 * `extensionTestsPath`, or @vscode/test-electron's). Runs every `*.test.js` next to this file with mocha's
 * programmatic API and prints the `EXITLENS-RESULT` line scripts/test-integration.js counts.
 */
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

function testFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? testFiles(path.join(dir, e.name)) : e.name.endsWith('.test.js') ? [path.join(dir, e.name)] : []))
    .sort();
}

export function run(): Promise<void> {
  // color: the output goes through the browser console mirror, escape codes would only add noise.
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  for (const file of testFiles(__dirname)) mocha.addFile(file);
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const stats = runner.stats;
        console.log(`EXITLENS-RESULT tier=integration passed=${stats?.passes ?? 0} failed=${stats?.failures ?? failures}`);
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
        else resolve();
      });
    } catch (e) {
      console.log('EXITLENS-RESULT tier=integration passed=0 failed=1');
      reject(e);
    }
  });
}
