/**
 * Limited-memory BFGS minimisation with a backtracking (Armijo) line search. Small and
 * deterministic; enough for the dozen-odd hyperparameters of a GP kernel.
 */

/** Value and gradient of the function being minimised; may return a non-finite value to reject x. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

/** Options of {@link minimizeLbfgs}. */
export interface LbfgsOptions {
  /** Iterations (line searches). Default 50. */
  readonly maxIterations?: number;
  /** Pairs of correction vectors kept. Default 8. */
  readonly memory?: number;
  /** Stop when the gradient's infinity norm falls below this. Default 1e-5. */
  readonly gradientTolerance?: number;
}

/** Minimises `f` from `x0` (not modified); returns the best point found and its value. */
export function minimizeLbfgs(f: Objective, x0: Float64Array, options: LbfgsOptions = {}): { x: Float64Array; value: number } {
  const maxIter = options.maxIterations ?? 50;
  const m = options.memory ?? 8;
  const tol = options.gradientTolerance ?? 1e-5;
  const n = x0.length;
  let x = x0.slice();
  let g = new Float64Array(n);
  let fx = f(x, g);
  if (!Number.isFinite(fx)) return { x, value: fx };
  const ss: Float64Array[] = [];
  const ys: Float64Array[] = [];
  const rhos: number[] = [];
  const d = new Float64Array(n);
  const alpha = new Float64Array(m);
  const xn = new Float64Array(n);
  let gn = new Float64Array(n);
  for (let iter = 0; iter < maxIter; iter++) {
    let gmax = 0;
    for (let i = 0; i < n; i++) gmax = Math.max(gmax, Math.abs(g[i]!));
    if (gmax < tol) break;
    // Two-loop recursion: d = -H g.
    for (let i = 0; i < n; i++) d[i] = -g[i]!;
    for (let k = ss.length - 1; k >= 0; k--) {
      alpha[k] = rhos[k]! * dot(ss[k]!, d);
      axpy(-alpha[k]!, ys[k]!, d);
    }
    if (ss.length > 0) {
      const last = ss.length - 1;
      const gamma = dot(ss[last]!, ys[last]!) / dot(ys[last]!, ys[last]!);
      for (let i = 0; i < n; i++) d[i] *= gamma;
    } else {
      // First step: a short move along the gradient, whatever its scale.
      const s = 1 / Math.max(1, Math.sqrt(dot(g, g)));
      for (let i = 0; i < n; i++) d[i] *= s;
    }
    for (let k = 0; k < ss.length; k++) {
      const b = rhos[k]! * dot(ys[k]!, d);
      axpy(alpha[k]! - b, ss[k]!, d);
    }
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (curvature information went stale): restart from steepest descent.
      ss.length = ys.length = rhos.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i]! / Math.max(1, Math.sqrt(dot(g, g)));
      slope = dot(g, d);
      if (!(slope < 0)) break;
    }
    let step = 1;
    let fn = NaN;
    let accepted = false;
    for (let ls = 0; ls < 20; ls++) {
      for (let i = 0; i < n; i++) xn[i] = x[i]! + step * d[i]!;
      fn = f(xn, gn);
      if (Number.isFinite(fn) && fn <= fx + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) break;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xn[i]! - x[i]!;
      y[i] = gn[i]! - g[i]!;
    }
    const sy = dot(s, y);
    if (sy > 1e-12) {
      if (ss.length === m) {
        ss.shift();
        ys.shift();
        rhos.shift();
      }
      ss.push(s);
      ys.push(y);
      rhos.push(1 / sy);
    }
    const improvement = fx - fn;
    x = xn.slice();
    const t = g;
    g = gn;
    gn = t;
    fx = fn;
    if (improvement < 1e-9 * Math.max(1, Math.abs(fx))) break;
  }
  return { x, value: fx };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] += a * x[i]!;
}
