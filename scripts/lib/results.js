// The count protocol between the test tiers and scripts/run-tests.js. Every tier prints one line
//   EXITLENS-RESULT tier=<name> passed=<n> failed=<m>
// (the integration tier's comes from inside the extension host); run-tests.js sums them.
const PREFIX = 'EXITLENS-RESULT';
const LINE = /EXITLENS-RESULT(?: tier=(\S+))? passed=(\d+) failed=(\d+)/;

/** Formats the line for a tier. */
function resultLine(tier, passed, failed) {
  return `${PREFIX} tier=${tier} passed=${passed} failed=${failed}`;
}

/** Finds the last result line in some output; undefined when the tier never reported. */
function parseResult(text) {
  let found;
  for (const line of String(text).split('\n')) {
    const m = LINE.exec(line);
    if (m) found = { tier: m[1], passed: Number(m[2]), failed: Number(m[3]) };
  }
  return found;
}

module.exports = { PREFIX, resultLine, parseResult };
