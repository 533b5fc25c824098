import * as assert from 'assert';
import { summarizeRecords } from '../../../src/core/analysis/summarize';
import { compareSummaries } from '../../../src/core/compare';
import { buildComparePayload } from '../../../src/core/compare/payload';
import { buildHtmlReport, inlineScript, inlineStyle, jsonForScript, REPORT_DATA_ID, reportCsp } from '../../../src/core/report/htmlReport';
import type { ExitRecord } from '../../../src/core/model/exit';

// Synthetic records (not a capture); the reason name is hostile on purpose: it must stay data.
const HOSTILE = '</script><img src=x onerror=alert(1)>';
function exits(n: number, reasonName: string): ExitRecord[] {
  return Array.from({ length: n }, (_, i) => ({ timeNs: i * 1000, entryNs: i * 1000 + 500, vcpu: 0, isa: 'vmx' as const, reasonName, rip: '0x1', category: 'other' as const, line: i + 1 }));
}
const a = summarizeRecords({ format: 'perf-script', file: 'a.txt', records: exits(3, HOSTILE) });
const b = summarizeRecords({ format: 'perf-script', file: 'b.txt', records: exits(5, 'HLT') });
const payload = buildComparePayload([a, b], compareSummaries([{ summary: a, label: HOSTILE }, { summary: b }], { whatIf: false }));
const NONCE = 'AAAAAAAAAAAAAAAAAAAAAA==';

/** The text between the opening tag that matches `open` and the next `</script>`. */
function block(html: string, open: RegExp): string {
  const m = open.exec(html);
  assert.ok(m, `no ${open}`);
  const start = m.index + m[0].length;
  return html.slice(start, html.indexOf('</script>', start));
}

describe('self-contained HTML report', () => {
  const html = buildHtmlReport(payload, { script: 'window.x = "</script>"; // <!-- \n//# sourceMappingURL=compare.js.map\n', style: 'body{}</style>\n/*# sourceMappingURL=compare.css.map*/' }, { nonce: NONCE });

  it('has a strict CSP: nothing from anywhere, only the nonce-tagged inline script and style', () => {
    assert.strictEqual(reportCsp(NONCE), "default-src 'none'; img-src data: blob:; style-src 'nonce-AAAAAAAAAAAAAAAAAAAAAA=='; script-src 'nonce-AAAAAAAAAAAAAAAAAAAAAA=='; base-uri 'none'; form-action 'none'");
    assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; img-src data: blob:; style-src &#39;nonce-${NONCE}&#39;`));
    assert.strictEqual((html.match(/<script nonce="/g) ?? []).length, 1);
    assert.strictEqual((html.match(/<style nonce="/g) ?? []).length, 1);
    assert.ok(!/(src|href)="(https?:)?\/\//.test(html), 'no remote URL');
  });

  it('embeds the payload as JSON that cannot end its script block, and reads back equal', () => {
    const text = block(html, new RegExp(`<script type="application/json" id="${REPORT_DATA_ID}">`));
    assert.ok(!text.includes('<'), 'no < left in the data block');
    assert.deepStrictEqual(JSON.parse(text), JSON.parse(JSON.stringify(payload)));
    assert.strictEqual(JSON.parse(text).comparison.traces[0].label, HOSTILE);
    // The title is escaped too.
    assert.ok(html.includes('<title>ExitLens comparison — &lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; vs b</title>'));
  });

  it('breaks </script and <!-- inside the inlined script, drops source-map comments', () => {
    assert.strictEqual(inlineScript('a="</script>";b="</SCRIPT";c="<!--";\n//# sourceMappingURL=x.map\n'), 'a="<\\/script>";b="<\\/SCRIPT";c="<\\!--";\n');
    assert.strictEqual(inlineStyle('p{}</style>/*# sourceMappingURL=x.css.map*/'), 'p{}<\\/style>');
    const script = block(html, new RegExp(`<script nonce="${NONCE.replace(/[+=]/g, '\\$&')}">`));
    assert.strictEqual(script, '\nwindow.x = "<\\/script>"; // <\\!-- \n\n');
    assert.strictEqual(jsonForScript({ s: '<>&\u2028' }), '{"s":"\\u003c\\u003e\\u0026\\u2028"}');
  });

  it('refuses a short nonce', () => {
    assert.throws(() => buildHtmlReport(payload, { script: '', style: '' }, { nonce: 'abc' }), /at least 16/);
  });
});
