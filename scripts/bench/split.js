// Part of `npm run bench`: times parseSource into a do-nothing counting sink and into the real
// SummaryBuilder, on the same file in one process, alternating and keeping the best of a few CPU
// times (the machine may be shared), so the summarizer's own per-exit cost shows.
// Prints one JSON object: { exits, parseSeconds, summarySeconds }.
'use strict';
const path = require('path');
require('ts-node').register({ transpileOnly: true, project: path.resolve(__dirname, '..', '..', 'tsconfig.json') });
const { fileSource } = require('../../src/cli/io');
const { parseSource } = require('../../src/core/parsers/index');
const { createSummaryBuilder } = require('../../src/core/analysis/summarize');

const REPEATS = 3;

async function cpuSeconds(fn) {
  const c0 = process.cpuUsage();
  await fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
}

async function main() {
  const file = process.argv[2];
  let exits = 0;
  const counting = { exit: () => void exits++, warning: () => {}, table: () => {}, meta: () => {} };
  // Warm-up pass so the timed passes run optimised code.
  await parseSource(fileSource(file), counting);
  exits = 0;
  let parseSeconds = Infinity;
  let summarySeconds = Infinity;
  for (let i = 0; i < REPEATS; i++) {
    parseSeconds = Math.min(parseSeconds, await cpuSeconds(() => parseSource(fileSource(file), counting)));
    summarySeconds = Math.min(
      summarySeconds,
      await cpuSeconds(async () => {
        const builder = createSummaryBuilder();
        const r = await parseSource(fileSource(file), builder);
        builder.finish(r.format, file);
      }),
    );
  }
  process.stdout.write(JSON.stringify({ exits: exits / REPEATS, parseSeconds, summarySeconds }) + '\n');
}

main().catch((e) => {
  process.stderr.write(String(e && e.message ? e.message : e) + '\n');
  process.exit(1);
});
