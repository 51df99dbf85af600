import { Command, InvalidArgumentError } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_STORAGE, durationArg, fractionArg, intArg, listArg, parseDuration, STORAGE_ENV, storageOption, withExamples, testSizeArg } from '../../src/cli/args.js';

describe('cli argument parsers', () => {
  it('parses durations in seconds, minutes and hours, and refuses the rest', () => {
    expect(parseDuration('90')).toBe(90);
    expect(parseDuration('90s')).toBe(90);
    expect(parseDuration('5m')).toBe(300);
    expect(parseDuration('1.5h')).toBe(5400);
    expect(parseDuration('0')).toBeNull();
    expect(parseDuration('soon')).toBeNull();
    expect(() => durationArg('soon')).toThrow(InvalidArgumentError);
  });

  it('parses compound durations and milliseconds: 1m30s, 500ms, 1h15m', () => {
    expect(parseDuration('1m30s')).toBe(90);
    expect(parseDuration('500ms')).toBe(0.5);
    expect(parseDuration('1h15m')).toBe(4500);
    expect(parseDuration('1h 0m 5s')).toBe(3605);
    expect(parseDuration('2.5')).toBe(2.5);
    expect(parseDuration(' 2MIN ')).toBe(120);
    expect(parseDuration('1s250ms')).toBe(1.25);
    expect(parseDuration('3 hours')).toBe(10800);
  });

  it('refuses durations with units out of order, repeated, unknown, or with nothing above zero', () => {
    for (const bad of ['30s1m', '1m1m', '5x', '1d', '', 'ms', '0s', '0m0s', '-5s', '1..5s', 's5', '5m 3', '1e3s']) {
      expect(parseDuration(bad), bad).toBeNull();
    }
    expect(() => durationArg('30s1m')).toThrow("expected seconds (90) or a duration like 90s, 500ms, 1m30s, 1h15m, 1.5h; got '30s1m'");
  });

  it('checks integers, fractions and lists', () => {
    expect(intArg('--trials', 1)('3')).toBe(3);
    expect(() => intArg('--trials', 1)('0')).toThrow("--trials must be an integer >= 1, got '0'");
    expect(() => intArg('--cv', 2)('2.5')).toThrow(InvalidArgumentError);
    expect(intArg('--port', 0, 65535)('65535')).toBe(65535);
    expect(() => intArg('--port', 0, 65535)('65536')).toThrow("--port must be an integer from 0 to 65535, got '65536'");
    expect(fractionArg('0.25')).toBe(0.25);
    expect(() => fractionArg('1')).toThrow('between 0 and 1');
    // --test-size also takes 0: no holdout.
    expect(testSizeArg('0')).toBe(0);
    expect(testSizeArg('0.3')).toBe(0.3);
    expect(() => testSizeArg('1')).toThrow("must be 0 (no holdout, no test score) or a fraction between 0 and 1, got '1'");
    expect(() => testSizeArg('')).toThrow('fraction');
    expect(listArg(' a, b,,c ')).toEqual(['a', 'b', 'c']);
  });
});

describe('storageOption: --storage, then $AUTOML_STORAGE, then the default', () => {
  const saved = process.env[STORAGE_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[STORAGE_ENV];
    else process.env[STORAGE_ENV] = saved;
  });

  function parse(args: string[]): string {
    let got = '';
    const program = new Command().exitOverride();
    program
      .command('x')
      .addOption(storageOption())
      .action((f: { storage: string }) => {
        got = f.storage;
      });
    program.parse(['node', 'automl', 'x', ...args]);
    return got;
  }

  it('takes the flag over the environment variable over the default', () => {
    delete process.env[STORAGE_ENV];
    expect(parse([])).toBe(DEFAULT_STORAGE);
    process.env[STORAGE_ENV] = 'sqlite:/tmp/env.db';
    expect(parse([])).toBe('sqlite:/tmp/env.db');
    expect(parse(['--storage', 'memory:'])).toBe('memory:');
  });

  it('refuses an empty storage URL from the environment, naming the variable', () => {
    process.env[STORAGE_ENV] = ' ';
    expect(() => parse([])).toThrow(/storage URL is empty \(from --storage or \$AUTOML_STORAGE\)/);
  });

  it('shows the environment variable in the help', () => {
    const c = new Command('x').addOption(storageOption());
    expect(c.helpInformation()).toMatch(/default: "sqlite:automl\.db", env: AUTOML_STORAGE/);
  });
});

describe('withExamples', () => {
  it('ends the help with an Examples block', () => {
    let out = '';
    const c = withExamples(new Command('x').exitOverride().configureOutput({ writeOut: (s) => (out += s) }), ['automl x a', 'automl x b']);
    c.outputHelp();
    expect(out).toMatch(/\nExamples:\n {2}\$ automl x a\n {2}\$ automl x b\n$/);
  });
});
