/**
 * Line searches of the L-BFGS solver along a descent direction `dir` from `x`: a strong-Wolfe
 * search (bracketing, then zooming by safeguarded cubic interpolation) and a plain Armijo
 * backtracking search. Both write the accepted point and its gradient into xNew / gNew and
 * report a step of 0 when they found no acceptable point.
 */
import { dot } from './quasi-newton.js';

/** Objective: returns f(x) and writes its gradient into `g`; a non-finite value rejects x. */
export type Objective = (x: Float64Array, g: Float64Array) => number;

/** Accepted step length `t` (0: none found, x stays) and the objective there. */
export interface LineStep {
  readonly t: number;
  readonly f: number;
}

/**
 * A line search: from x (value f0, directional derivative slope0 < 0) along dir; leaves the
 * accepted point in xNew and its gradient in gNew.
 */
export type LineSearch = (fun: Objective, x: Float64Array, f0: number, slope0: number, dir: Float64Array, xNew: Float64Array, gNew: Float64Array) => LineStep;

/** Sufficient-decrease constant (Armijo). */
const C1 = 1e-4;
/** Curvature constant of the strong Wolfe condition. */
const C2 = 0.9;

/**
 * Strong-Wolfe search: the accepted step also flattens the slope (|f'(t)| <= C2 |f'(0)|), which
 * keeps s'y positive so every pair enters the L-BFGS memory; it expands the step when the unit
 * step is too short. Non-finite values count as too high.
 */
export function wolfeSearch(fun: Objective, x: Float64Array, f0: number, slope0: number, dir: Float64Array, xNew: Float64Array, gNew: Float64Array): LineStep {
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
): LineStep {
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

/**
 * Armijo backtracking: the unit step, halved up to 20 times until f decreases enough. One
 * evaluation per trial and no step expansion: cheapest per iteration when the objective is
 * expensive and the direction is already well scaled (the GP's hyperparameter fit).
 */
export function backtrackingSearch(fun: Objective, x: Float64Array, f0: number, slope0: number, dir: Float64Array, xNew: Float64Array, gNew: Float64Array): LineStep {
  let t = 1;
  for (let ls = 0; ls < 20; ls++) {
    for (let i = 0; i < x.length; i++) xNew[i] = x[i]! + t * dir[i]!;
    const f = fun(xNew, gNew);
    if (Number.isFinite(f) && f <= f0 + C1 * t * slope0) return { t, f };
    t *= 0.5;
  }
  return { t: 0, f: f0 };
}
