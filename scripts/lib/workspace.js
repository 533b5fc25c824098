// Test and demo workspaces: real fixture traces copied into a fresh folder, so tests can write settings
// and files without touching the repository.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { FIXTURES } = require('./paths');

/**
 * Copies the top-level fixture traces (test/fixtures/*.txt) into `<dir>/traces/`; returns the names.
 * `realOnly` leaves out the hand-made `synthetic-*` ones (the demo shows real traces only).
 */
function copyFixtures(dir, { realOnly = false } = {}) {
  const traces = path.join(dir, 'traces');
  fs.mkdirSync(traces, { recursive: true });
  const names = fs
    .readdirSync(FIXTURES)
    .filter((n) => n.endsWith('.txt') && fs.statSync(path.join(FIXTURES, n)).isFile() && !(realOnly && n.startsWith('synthetic-')));
  for (const name of names) fs.copyFileSync(path.join(FIXTURES, name), path.join(traces, name));
  return names.sort();
}

/** A temporary workspace holding the fixtures under traces/; returns its path. */
function makeTestWorkspace(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `exitlens-${prefix}-ws-`));
  copyFixtures(dir);
  return dir;
}

module.exports = { copyFixtures, makeTestWorkspace };
