// Where the test harness keeps things. One place, so the scripts and the docs agree.
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const VSCODE_TEST = path.join(ROOT, '.vscode-test');
const CODE_SERVER_VERSION = '4.100.3';
const CODE_SERVER_DIR = process.env.EXITLENS_CODE_SERVER_DIR || path.join(VSCODE_TEST, 'code-server');

module.exports = {
  ROOT,
  VSCODE_TEST,
  CODE_SERVER_VERSION,
  CODE_SERVER_DIR,
  CODE_SERVER_BIN: path.join(CODE_SERVER_DIR, 'node_modules', '.bin', 'code-server'),
  CODE_SERVER_MARKER: path.join(CODE_SERVER_DIR, `.installed-code-server-${CODE_SERVER_VERSION}`),
  CHROMIUM: process.env.CHROMIUM || '/usr/bin/chromium',
  RESULTS: path.join(ROOT, 'test-results'),
  FIXTURES: path.join(ROOT, 'test', 'fixtures'),
  DIST: path.join(ROOT, 'dist'),
  OUT: path.join(ROOT, 'out'),
  VSIX: path.join(ROOT, 'exitlens.vsix'),
  BIN: path.join(ROOT, 'node_modules', '.bin'),
};
