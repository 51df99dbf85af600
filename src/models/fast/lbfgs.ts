/**
 * Limited-memory BFGS for smooth unconstrained minimisation, with a line search that enforces the
 * strong Wolfe conditions (bracketing then zooming by safeguarded cubic interpolation).
 */

/** Objective: returns f(x) and writes its gradient into `g`. */
export type Objective = (x: Float64Array, g: Float64Array) => number;

/** Stopping rules and memory of {@link lbfgs}. */
export interface LbfgsOptions {
  /** Maximum iterations (line searches). */
  readonly maxIter: number;
  /** Stop when the largest gradient component falls to this value (like SciPy's `pgtol`). */
  readonly gtol: number;
  /** Correction pairs kept. Default 10. */
  readonly memory?: number;
  /** Called between iterations; throwing from it aborts the solve. */
  readonly onIteration?: (iter: number) => void;
}

/** Result of {@link lbfgs}. */
export interface LbfgsResult {
  readonly x: Float64Array;
  readonly f: number;
  readonly iterations: number;
  readonly converged: boolean;
}

const C1 = 1e-4;
const C2 = 0.9;

/** Minimises `fun` from `x0` (not modified). */
export function lbfgs(fun: Objective, x0: Float64Array, opt: LbfgsOptions): LbfgsResult {
  const d = x0.length;
  const m = opt.memory ?? 10;
  const x = Float64Array.from(x0);
  const g = new Float64Array(d);
  let f = fun(x, g);
  const S = Array.from({ length: m }, () => new Float64Array(d));
  const Y = Array.from({ length: m }, () => new Float64Array(d));
  const rho = new Float64Array(m);
  const alpha = new Float64Array(m);
  const dir = new Float64Array(d);
  const xNew = new Float64Array(d);
  const gNew = new Float64Array(d);
  let stored = 0;
  let head = 0;
  let iter = 0;
  if (maxAbs(g) <= opt.gtol) return { x, f, iterations: 0, converged: true };
  while (iter < opt.maxIter) {
    opt.onIteration?.(iter);
    // Two-loop recursion: dir = -H g.
    for (let i = 0; i < d; i++) dir[i] = -g[i]!;
    for (let j = 0; j < stored; j++) {
      const k = (head - 1 - j + m) % m;
      const a = rho[k]! * dot(S[k]!, dir);
      alpha[k] = a;
      axpy(-a, Y[k]!, dir);
    }
    if (stored > 0) {
      const k = (head - 1 + m) % m;
      scale(dot(S[k]!, Y[k]!) / dot(Y[k]!, Y[k]!), dir);
    } else {
      // First step: a unit-length move, since the gradient's scale says nothing about curvature.
      scale(1 / Math.max(1, Math.sqrt(dot(g, g))), dir);
    }
    for (let j = stored - 1; j >= 0; j--) {
      const k = (head - 1 - j + m) % m;
      const b = rho[k]! * dot(Y[k]!, dir);
      axpy(alpha[k]! - b, S[k]!, dir);
    }
    let slope = dot(g, dir);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      stored = 0;
      for (let i = 0; i < d; i++) dir[i] = -g[i]!;
      scale(1 / Math.max(1, Math.sqrt(dot(g, g))), dir);
      slope = dot(g, dir);
    }
    const step = wolfeSearch(fun, x, f, slope, dir, xNew, gNew);
    iter++;
    if (step.t === 0) break;
    const s = S[head]!;
    const y = Y[head]!;
    for (let i = 0; i < d; i++) {
      s[i] = xNew[i]! - x[i]!;
      y[i] = gNew[i]! - g[i]!;
    }
    const sy = dot(s, y);
    const fPrev = f;
    x.set(xNew);
    g.set(gNew);
    f = step.f;
    if (sy > 1e-12 * Math.sqrt(dot(y, y) * dot(s, s))) {
      rho[head] = 1 / sy;
      head = (head + 1) % m;
      stored = Math.min(stored + 1, m);
    }
    if (maxAbs(g) <= opt.gtol) return { x, f, iterations: iter, converged: true };
    // Relative decrease too small to matter (SciPy's default ftol, factr = 1e7).
    if ((fPrev - f) / Math.max(Math.abs(fPrev), Math.abs(f), 1) <= 2.220446049250313e-9) return { x, f, iterations: iter, converged: true };
  }
  return { x, f, iterations: iter, converged: maxAbs(g) <= opt.gtol };
}

/** Strong-Wolfe line search along `dir`; writes the accepted point and gradient to xNew/gNew. */
function wolfeSearch(fun: Objective, x: Float64Array, f0: number, slope0: number, dir: Float64Array, xNew: Float64Array, gNew: Float64Array): { t: number; f: number } {
  const evalAt = (t: number): { f: number; slope: number } => {
    for (let i = 0; i < x.length; i++) xNew[i] = x[i]! + t * dir[i]!;
    const fv = fun(xNew, gNew);
    return { f: fv, slope: dot(gNew, dir) };
  };
  let tPrev = 0;
  let fPrev = f0;
  let sPrev = slope0;
  let t = 1;
  for (let i = 0; i < 20; i++) {
    const e = evalAt(t);
    if (!Number.isFinite(e.f) || e.f > f0 + C1 * t * slope0 || (i > 0 && e.f >= fPrev)) {
      return zoom(evalAt, f0, slope0, tPrev, fPrev, sPrev, t, e.f, e.slope);
    }
    if (Math.abs(e.slope) <= -C2 * slope0) return { t, f: e.f };
    if (e.slope >= 0) return zoom(evalAt, f0, slope0, t, e.f, e.slope, tPrev, fPrev, sPrev);
    tPrev = t;
    fPrev = e.f;
    sPrev = e.slope;
    t *= 2;
  }
  return { t: tPrev, f: fPrev === f0 ? f0 : evalAt(tPrev).f };
}

function zoom(
  evalAt: (t: number) => { f: number; slope: number },
  f0: number,
  slope0: number,
  tLo: number,
  fLo: number,
  sLo: number,
  tHi: number,
  fHi: number,
  sHi: number,
): { t: number; f: number } {
  for (let i = 0; i < 30; i++) {
    let t = cubicMin(tLo, fLo, sLo, tHi, fHi, sHi);
    const lo = Math.min(tLo, tHi);
    const hi = Math.max(tLo, tHi);
    const margin = 0.1 * (hi - lo);
    if (!(t > lo + margin && t < hi - margin)) t = (tLo + tHi) / 2;
    const e = evalAt(t);
    if (!Number.isFinite(e.f) || e.f > f0 + C1 * t * slope0 || e.f >= fLo) {
      tHi = t;
      fHi = e.f;
      sHi = e.slope;
    } else {
      if (Math.abs(e.slope) <= -C2 * slope0) return { t, f: e.f };
      if (e.slope * (tHi - tLo) >= 0) {
        tHi = tLo;
        fHi = fLo;
        sHi = sLo;
      }
      tLo = t;
      fLo = e.f;
      sLo = e.slope;
    }
    if (Math.abs(tHi - tLo) < 1e-14 * Math.max(1, tLo)) break;
  }
  // Settle for the best point seen if it decreased f at all; re-evaluate to leave its gradient.
  if (tLo > 0 && fLo < f0) return { t: tLo, f: evalAt(tLo).f };
  return { t: 0, f: f0 };
}

/** Minimiser of the cubic matching f and slope at both ends; NaN when it does not exist. */
function cubicMin(a: number, fa: number, sa: number, b: number, fb: number, sb: number): number {
  if (!Number.isFinite(fb) || !Number.isFinite(sb)) return NaN;
  const d1 = sa + sb - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - sa * sb;
  if (disc < 0) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - ((b - a) * (sb + d2 - d1)) / (sb - sa + 2 * d2);
}

/** Vector helper shared by the quasi-Newton solvers (lbfgs, owlqn). */
export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Vector helper shared by the quasi-Newton solvers (lbfgs, owlqn). */
export function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i]! += a * x[i]!;
}

/** Vector helper shared by the quasi-Newton solvers (lbfgs, owlqn). */
export function scale(a: number, x: Float64Array): void {
  for (let i = 0; i < x.length; i++) x[i]! *= a;
}

/** Vector helper shared by the quasi-Newton solvers (lbfgs, owlqn). */
export function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}
