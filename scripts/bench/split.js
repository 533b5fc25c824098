// Part of `npm run bench`: where the time goes inside one process. Times parseSource into a
// do-nothing counting sink (parse only) and into the real SummaryBuilder (parse + summary, through
// its compactExit fast path), reading the file with synchronous reads into one reused buffer so that
// I/O costs the same in both. The first pass is reported apart: it includes the JIT's warm-up. Then
// alternates and keeps the best of a few CPU times (the machine may be shared).
// Prints one JSON object: { exits, lines, firstSeconds, parseSeconds, summarySeconds }.
'use strict';
const fs = require('fs');
const path = require('path');
require('ts-node').register({ transpileOnly: true, project: path.resolve(__dirname, '..', '..', 'tsconfig.json') });
const { parseSource } = require('../../src/core/parsers/index');
const { createSummaryBuilder } = require('../../src/core/analysis/summarize');

const REPEATS = 3;
const CHUNK = 1 << 20;

/** A ByteSource over a file: synchronous reads into one reused buffer. */
function reusedBufferSource(file) {
  return {
    name: file,
    size: async () => fs.statSync(file).size,
    async *chunks() {
      const fd = fs.openSync(file, 'r');
      try {
        const buf = Buffer.allocUnsafe(CHUNK);
        for (;;) {
          const n = fs.readSync(fd, buf, 0, CHUNK, null);
          if (n === 0) break;
          yield buf.subarray(0, n);
        }
      } finally {
        fs.closeSync(fd);
      }
    },
  };
}

async function cpuSeconds(fn) {
  const c0 = process.cpuUsage();
  await fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
}

async function main() {
  const file = process.argv[2];
  let exits = 0;
  let lines = 0;
  const counting = { exit: () => void exits++, compactExit: () => void exits++, warning: () => {}, table: () => {}, meta: () => {} };
  const summarize = async () => {
    const builder = createSummaryBuilder();
    const r = await parseSource(reusedBufferSource(file), builder);
    lines = r.lines;
    builder.finish(r.format, file);
  };
  const firstSeconds = await cpuSeconds(summarize);
  let parseSeconds = Infinity;
  let summarySeconds = Infinity;
  for (let i = 0; i < REPEATS; i++) {
    exits = 0;
    parseSeconds = Math.min(parseSeconds, await cpuSeconds(() => parseSource(reusedBufferSource(file), counting)));
    summarySeconds = Math.min(summarySeconds, await cpuSeconds(summarize));
  }
  process.stdout.write(JSON.stringify({ exits, lines, firstSeconds, parseSeconds, summarySeconds }) + '\n');
}

main().catch((e) => {
  process.stderr.write(String(e && e.message ? e.message : e) + '\n');
  process.exit(1);
});
