// Mocha reporter for the unit and e2e tiers: mocha's own spec output, then the EXITLENS-RESULT line that
// scripts/run-tests.js counts. Failed hooks count as failures (mocha reports them as such).
const Mocha = require('mocha');
const { resultLine } = require('./results');

class CountingReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const tier = process.env.EXITLENS_TIER || 'mocha';
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const { passes = 0, failures = 0 } = runner.stats || {};
      // After spec's epilogue, which also runs on EVENT_RUN_END.
      process.nextTick(() => console.log(resultLine(tier, passes, failures)));
    });
  }
}

module.exports = CountingReporter;
