/**
 * Aggregated formats beyond the fixtures, on synthetic snippets written from the tools' print
 * formats (tools/perf/builtin-kvm.c, tools/kvm/kvm_stat/kvm_stat).
 */
import { strict as assert } from 'assert';
import { parseText } from './helpers';

describe('perf kvm stat (synthetic)', () => {
  it('`live` output: timestamp lines, pid titles, a table cut off before its footer', () => {
    const r = parseText(
      [
        '14:30:01.000123',
        '',
        'Analyze events for pid(s) 4321, VCPU 2:',
        '',
        '             VM-EXIT    Samples  Samples%     Time%    Min Time    Max Time         Avg time',
        '',
        '                 HLT         10    62.50%    99.00%      1.00us    900.00us     99.00us ( +-  80.00% )',
        '       EPT_VIOLATION          6    37.50%     1.00%      1.00us      3.00us      1.67us ( +-  20.00% )',
      ].join('\n'),
      'perf-kvm-stat',
    );
    assert.deepEqual(r.warnings, []);
    assert.equal(r.tables.length, 1);
    const t = r.tables[0];
    assert.equal(t.vcpu, 2);
    assert.equal(t.totalSamples, undefined);
    assert.deepEqual(
      t.rows.map((x) => [x.key, x.samples, x.minUs, x.maxUs, x.avgUs]),
      [
        ['HLT', 10, 1, 900, 99],
        ['EPT_VIOLATION', 6, 1, 3, 1.67],
      ],
    );
  });

  it('a row missing the Min/Max columns its header announces is a warning', () => {
    const r = parseText(
      [
        '             VM-EXIT    Samples  Samples%     Time%    Min Time    Max Time         Avg time',
        '                 HLT         10    62.50%    99.00%     99.00us ( +-  80.00% )',
        'Total Samples:10, Total events handled time:990.00us.',
      ].join('\n'),
      'perf-kvm-stat',
    );
    assert.equal(r.warnings.length, 1);
    assert.equal(r.warnings[0].line, 2);
    assert.deepEqual(r.tables[0].rows, []);
    assert.equal(r.tables[0].totalSamples, 10);
  });
});

describe('kvm_stat (synthetic)', () => {
  it('`-l -c` CSV log: sums of the deltas per key', () => {
    const r = parseText(['timestamp,kvm_entry,kvm_exit,kvm_exit(NPF)', '2020-04-01 10:00:01,5,5,2', '2020-04-01 10:00:02,7,7,3'].join('\n'), 'kvm-stat');
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(r.tables, [
      {
        event: 'kvm_stat',
        line: 1,
        rows: [
          { key: 'kvm_entry', samples: 12, current: 7 },
          { key: 'kvm_exit', samples: 12, current: 7 },
          { key: 'kvm_exit(NPF)', samples: 5, current: 3 },
        ],
      },
    ]);
    assert.deepEqual(r.metas, [{ isa: 'svm' }]);
  });

  it('old `-l` rows without a timestamp; a banner without value rows is no table', () => {
    const r = parseText(['kvm_entry kvm_exit ', '         4          4 ', '         6          6 ', '', 'kvm_ack_irq kvm_age_page', 'the end'].join('\n'), 'kvm-stat');
    assert.deepEqual(r.tables.map((t) => t.rows), [
      [
        { key: 'kvm_entry', samples: 10, current: 6 },
        { key: 'kvm_exit', samples: 10, current: 6 },
      ],
    ]);
  });

  it('several screens pasted one after another are several tables; a damaged row is a warning', () => {
    const screen = (n: number, row: string) => ['kvm statistics - summary', '', ' Event                                         Total %Total CurAvg/s', ` kvm_exit                                     ${n}  100.0       10`, row, ''];
    const r = parseText([...screen(100, ' kvm_entry                                     1x0  100.0       10'), ...screen(200, ' Total                                          200                10')].join('\n'), 'kvm-stat');
    assert.deepEqual(r.warnings.map((w) => w.line), [5]);
    assert.deepEqual(
      r.tables.map((t) => [t.line, t.rows.map((x) => [x.key, x.samples]), t.totalSamples]),
      [
        [3, [['kvm_exit', 100]], undefined],
        [9, [['kvm_exit', 200]], 200],
      ],
    );
  });
});
