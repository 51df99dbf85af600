import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { durationArg, fractionArg, intArg, listArg, parseDuration, testSizeArg } from '../../src/cli/args.js';

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

  it('checks integers, fractions and lists', () => {
    expect(intArg('--trials', 1)('3')).toBe(3);
    expect(() => intArg('--trials', 1)('0')).toThrow("--trials must be an integer >= 1, got '0'");
    expect(() => intArg('--cv', 2)('2.5')).toThrow(InvalidArgumentError);
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
