/**
 * The host⇄webview protocol guards (src/shared/protocol.ts): well-formed messages pass, anything else is
 * rejected. Pure functions, run here because this tier owns the protocol's tests.
 */
import * as assert from 'assert';
import { PROTOCOL_VERSION, describeMessage, parseHostMessage, parseWebviewMessage } from '../../src/shared/protocol';

const summaryLike = {
  format: 'ftrace',
  exits: 2,
  byCategory: { io: 1 },
  byReason: { IO_INSTRUCTION: 1 },
  timeByCategory: {},
  sites: [],
  warnings: [],
  hlt: { exits: 0, totalNs: 0 },
  overhead: { exits: 2, totalNs: 9000 },
};

describe('webview protocol guards', () => {
  it('accepts each webview → host message with its fields', () => {
    assert.ok(parseWebviewMessage({ type: 'ready', protocol: PROTOCOL_VERSION, requestId: 1 }));
    assert.ok(parseWebviewMessage({ type: 'refresh', requestId: 2 }));
    assert.ok(parseWebviewMessage({ type: 'rendered', requestId: 2, bars: 3 }));
    assert.ok(parseWebviewMessage({ type: 'log', level: 'warn', message: 'x' }));
  });

  it('rejects unknown types, missing or mistyped fields, and non-objects', () => {
    for (const bad of [
      null,
      'ready',
      [],
      { type: 'ready', requestId: 1 },
      { type: 'ready', protocol: 1, requestId: -1 },
      { type: 'ready', protocol: 1, requestId: 1.5 },
      { type: 'refresh' },
      { type: 'rendered', requestId: 1, bars: -1 },
      { type: 'log', level: 'debug', message: 'x' },
      { type: 'openFile', path: '/etc/passwd' },
    ]) {
      assert.strictEqual(parseWebviewMessage(bad), undefined, JSON.stringify(bad));
    }
  });

  it('accepts host → webview replies and rejects malformed summaries', () => {
    assert.ok(parseHostMessage({ type: 'summary', requestId: 1, protocol: 1, fileLabel: 'a', summary: summaryLike }));
    assert.ok(parseHostMessage({ type: 'error', requestId: 1, fileLabel: 'a', message: 'no' }));
    assert.ok(parseHostMessage({ type: 'progress', requestId: 1, bytesRead: 10 }));
    assert.strictEqual(parseHostMessage({ type: 'summary', requestId: 1, protocol: 1, fileLabel: 'a', summary: { ...summaryLike, exits: '2' } }), undefined);
    assert.strictEqual(parseHostMessage({ type: 'summary', requestId: 1, protocol: 1, fileLabel: 'a', summary: { ...summaryLike, sites: {} } }), undefined);
    assert.strictEqual(parseHostMessage({ type: 'progress', requestId: 1, bytesRead: Infinity }), undefined);
    assert.strictEqual(parseHostMessage({ type: 'summary', protocol: 1, fileLabel: 'a', summary: summaryLike }), undefined);
  });

  it('describes a rejected message without echoing its payload', () => {
    const text = describeMessage({ type: 'x'.repeat(100), secret: 'y'.repeat(1000) });
    assert.ok(text.length < 120, text);
    assert.ok(!text.includes('yyyy'));
  });
});
