/** CSV cells a spreadsheet would run as formulas are escaped; numbers are not. */
import { describe, expect, it } from 'vitest';
import { categorical, createStudy, space } from '../../src/index.js';
import { spreadsheetSafe, toSafeCsv } from '../../src/report/csv-safe.js';
import { predictionsCsv } from '../../src/report/predictions.js';
import { trialsCsv } from '../../src/report/trials.js';

describe('spreadsheetSafe', () => {
  it('prefixes text starting with = + - @ tab or CR with a quote (OWASP)', () => {
    for (const s of ['=cmd|\' /C calc\'!A0', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1', '=', '-', '-Infinity', '--1', '- 1', '+a']) {
      expect(spreadsheetSafe(s)).toBe(`'${s}`);
    }
  });

  it('leaves numbers (also negative and signed numbers as text) and ordinary text alone', () => {
    for (const v of [-1.5, 3, 0, '-1.5', '+3', '-2e-3', '-.5', '1e5', 'setosa', 'a=b', ' =x', '', null, undefined, true]) {
      expect(spreadsheetSafe(v)).toBe(v);
    }
  });

  it('applies to the header too; quoting still follows RFC 4180', () => {
    expect(toSafeCsv(['=x', 'y'], [['=1,2', -1], ['"@a"', '-1']])).toBe(`'=x,y\n"'=1,2",-1\n"""@a""",-1\n`);
  });
});

describe('CSV writers escape cells', () => {
  it('predict: predicted labels, the target name and proba_<class> headers', () => {
    const csv = predictionsCsv({
      target: '=target',
      predictions: ['=cmd|\'/C calc\'!A0', 'ok', '-1', '@x'],
      proba: { classes: ['=cmd|\'/C calc\'!A0', 'ok'], rows: [0, 1, 2, 3].map(() => ({ "=cmd|'/C calc'!A0": 0.25, ok: 0.75 })) },
    });
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe("'=target,proba_=cmd|'/C calc'!A0,proba_ok");
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(["'=cmd|'/C calc'!A0", 'ok', '-1', "'@x"]);
    expect(lines[1]!.split(',').slice(1)).toEqual(['0.25', '0.75']);
    expect(predictionsCsv({ target: 'y', predictions: [-1.5, 2] })).toBe('y\n-1.5\n2\n');
  });

  it('trials --csv: categorical values and failure reasons', async () => {
    const study = await createStudy({ space: space({ c: categorical(['=HYPERLINK("http://x")', 'plain']) }), seed: 1, sampler: 'grid' });
    try {
      const a = (await study.ask())!;
      await study.tell(a, { state: 'FAIL', failKind: 'error', reason: '+cmd failed' });
      const b = (await study.ask())!;
      await study.tell(b, { state: 'COMPLETE', value: -0.5 });
      const lines = trialsCsv(study).trim().split('\n');
      expect(lines[0]).toBe('number,state,value,duration_ms,fail_reason,c');
      const cells = lines.slice(1).join('\n');
      expect(cells).toContain("'+cmd failed");
      expect(cells).toContain(`"'=HYPERLINK(""http://x"")"`);
      expect(cells).toMatch(/COMPLETE,-0\.5,/);
      expect(cells).not.toMatch(/(^|,)[=+@]/m);
    } finally {
      await study.close();
    }
  });
});
