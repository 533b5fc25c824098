// Child-process helpers for the harness scripts: run a step with its output visible and fail with a
// message that names the step (never a bare stack trace).
const { spawn } = require('child_process');
const { ROOT } = require('./paths');

/** An error whose message is meant for the user as is. */
class StepError extends Error {
  constructor(message) {
    super(message);
    this.name = 'StepError';
  }
}

/**
 * Runs a command, streaming its output (and capturing it when `capture` is set). Resolves with
 * { code, output }; rejects only if the command cannot be started.
 */
function run(cmd, args, { cwd = ROOT, env = process.env, capture = false, quiet = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    // Decoded as UTF-8 by the stream, so a character split across chunks stays whole.
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    const feed = (sink) => (text) => {
      if (capture) output += text;
      if (!quiet) sink.write(text);
    };
    child.stdout.on('data', feed(process.stdout));
    child.stderr.on('data', feed(process.stderr));
    child.on('error', (e) => reject(new StepError(`cannot run ${cmd}: ${e.message}`)));
    child.on('close', (code, signal) => {
      resolve({ code: code === null ? 1 : code, signal, output });
    });
  });
}

/** Runs a command and throws a StepError naming `what` if it exits non-zero. */
async function step(what, cmd, args, options = {}) {
  const t0 = Date.now();
  console.log(`\n── ${what}: ${[cmd, ...args].join(' ')}`);
  const result = await run(cmd, args, options);
  if (result.code !== 0) throw new StepError(`${what} failed (exit code ${result.code})`);
  console.log(`── ${what}: ok (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return result;
}

module.exports = { StepError, run, step };
