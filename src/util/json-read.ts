/**
 * The one reader of untrusted JSON numbers and shapes (model files): finite numbers, safe
 * integers in a range, key whitelists, and a structural pre-scan of the raw text. Every failure is
 * an E_MODEL_FILE error naming the file and the JSON path, so callers never hand-roll checks that
 * drift apart (the cause of `1e999` leaves and index wrap-around in model files).
 */
import { AutomlError, show } from './errors.js';

/** An E_MODEL_FILE error for the value at `path` of `file`. */
export function jsonError(file: string, path: string, expected: string, value: unknown): AutomlError {
  return new AutomlError('E_MODEL_FILE', `${file}: ${path} must be ${expected}, got ${value === undefined ? 'nothing' : show(value)}; the model file is damaged or was edited — re-create it with \`automl search\``, {
    file,
    path,
    value,
  });
}

/**
 * A finite number (JSON `1e999` parses to Infinity, and the strings "Infinity"/"NaN" are no
 * numbers): anything else is refused.
 */
export function readFinite(v: unknown, file: string, path: string, opts: { min?: number; max?: number } = {}): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || (opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max)) {
    throw jsonError(file, path, `a finite number${opts.min !== undefined ? ` >= ${opts.min}` : ''}${opts.max !== undefined ? ` <= ${opts.max}` : ''}`, v);
  }
  return v;
}

/**
 * A safe integer in [min, max]: `2**32 + 1` would wrap to 1 in an Int32Array, so indices must be
 * checked as numbers before any typed array sees them.
 */
export function readIndex(v: unknown, file: string, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) throw jsonError(file, path, `an integer in ${min}..${max}`, v);
  return v;
}

/** Refuses any own key of `o` not in `allowed` (a key this build never writes means the file was edited). */
export function checkKeys(o: Record<string, unknown>, allowed: readonly string[], file: string, path: string): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) throw jsonError(file, `${path}.${k}`, `absent (known keys: ${allowed.join(', ')})`, o[k]);
  }
}

/** Limits of {@link scanJsonText}. */
export interface JsonShapeLimits {
  /** Deepest nesting of objects and arrays. */
  readonly maxDepth: number;
  /** Most objects (`{`) in the whole text: each costs ~100 bytes once parsed, 50x its text. */
  readonly maxObjects: number;
}

/**
 * Scans raw JSON text before `JSON.parse` materialises it: refuses nesting deeper than
 * `maxDepth` and more than `maxObjects` objects, the two shapes whose parsed size is out of all
 * proportion to the text (40 MB of `{}` parse to 1.3 GB). Linear in the text, no allocation.
 */
export function scanJsonText(text: string, file: string, limits: JsonShapeLimits): void {
  let depth = 0;
  let objects = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (c === 123 && ++objects > limits.maxObjects) throw jsonError(file, '$', `at most ${limits.maxObjects} JSON objects (real models hold far fewer)`, `more, at character ${i}`);
      if (++depth > limits.maxDepth) throw jsonError(file, '$', `nested at most ${limits.maxDepth} levels deep`, `deeper, at character ${i}`);
    } else if (c === 125 || c === 93) depth--;
  }
}

/**
 * Walks parsed JSON and refuses the first number that is not finite (`1e999` parses to
 * Infinity; JSON.stringify never writes one), naming its path. Iterative, so depth cannot
 * overflow the stack.
 */
export function checkFiniteNumbers(json: unknown, file: string, root = '$'): void {
  const stack: { v: unknown; path: string }[] = [{ v: json, path: root }];
  while (stack.length > 0) {
    const { v, path } = stack.pop()!;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw jsonError(file, path, 'a finite number', v);
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        if (typeof x === 'number') {
          if (!Number.isFinite(x)) throw jsonError(file, `${path}[${i}]`, 'a finite number', x);
        } else if (x !== null && typeof x === 'object') stack.push({ v: x, path: `${path}[${i}]` });
      }
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) stack.push({ v: x, path: `${path}.${k}` });
    }
  }
}

/**
 * Compares the keys of `given` (what a file held) with `written` (what this build writes for the
 * same object after loading it) and refuses the first key the writer does not produce: a
 * whitelist per object derived from the writer, so it cannot drift from it.
 */
export function checkKnownKeys(given: unknown, written: unknown, file: string, root: string): void {
  const stack: { g: unknown; w: unknown; path: string }[] = [{ g: given, w: written, path: root }];
  while (stack.length > 0) {
    const { g, w, path } = stack.pop()!;
    if (Array.isArray(g)) {
      if (!Array.isArray(w)) continue;
      const n = Math.min(g.length, w.length);
      for (let i = 0; i < n; i++) if (g[i] !== null && typeof g[i] === 'object') stack.push({ g: g[i], w: w[i], path: `${path}[${i}]` });
    } else if (g !== null && typeof g === 'object') {
      if (w === null || typeof w !== 'object' || Array.isArray(w)) continue;
      const wo = w as Record<string, unknown>;
      for (const [k, x] of Object.entries(g)) {
        if (!Object.prototype.hasOwnProperty.call(wo, k)) throw jsonError(file, `${path}.${k}`, `absent (this build writes ${Object.keys(wo).join(', ') || 'no keys'} here)`, x);
        if (x !== null && typeof x === 'object') stack.push({ g: x, w: wo[k], path: `${path}.${k}` });
      }
    }
  }
}
