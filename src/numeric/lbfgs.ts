/**
 * Limited-memory BFGS for smooth unconstrained minimisation: the one solver of the project,
 * used by logistic regression (strong-Wolfe line search, SciPy-like stopping rules) and by the
 * GP sampler's hyperparameter fit (backtracking line search, which suits an objective that costs
 * a Cholesky factorisation per evaluation and may be +Infinity where that fails).
 */
import { backtrackingSearch, wolfeSearch, type Objective } from './line-search.js';
import { LbfgsMemory, dot, maxAbs, steepestDescent } from './quasi-newton.js';

export type { Objective } from './line-search.js';

/**
 * SciPy's default relative-decrease tolerance (factr = 1e7 times machine epsilon), so that
 * learners stop where scikit-learn's L-BFGS-B would.
 */
export const SCIPY_FTOL = 2.220446049250313e-9;

/** Stopping rules, memory and line search of {@link lbfgs}. */
export interface LbfgsOptions {
  /** Maximum iterations (line searches). */
  readonly maxIter: number;
  /** Stop when the largest gradient component falls to this value (like SciPy's `pgtol`). */
  readonly gtol: number;
  /**
   * Stop when an iteration lowers f by at most this fraction of max(|f_prev|, |f|, 1).
   * Default {@link SCIPY_FTOL}.
   */
  readonly ftol?: number;
  /** Correction pairs kept. Default 10. */
  readonly memory?: number;
  /**
   * 'wolfe' (default): strong-Wolfe search, which may lengthen the step and keeps every
   * correction pair usable. 'backtracking': Armijo halving from the unit step, one evaluation
   * when the step is good.
   */
  readonly lineSearch?: 'wolfe' | 'backtracking';
  /** Called between iterations; throwing from it aborts the solve. */
  readonly onIteration?: (iter: number) => void;
}

/** Result of {@link lbfgs} (and of OWL-QN). */
export interface LbfgsResult {
  /** The last accepted point: the lowest value seen, since every accepted step decreases f. */
  readonly x: Float64Array;
  readonly f: number;
  readonly iterations: number;
  /** True when a gradient or relative-decrease rule stopped the solve (not the iteration cap, not a failed line search). */
  readonly converged: boolean;
}

/**
 * Minimises `fun` from `x0` (not modified). A non-finite value at x0 is returned as is; during
 * the solve a non-finite value rejects the trial point, so `fun` may return +Infinity outside
 * its domain.
 */
export function lbfgs(fun: Objective, x0: Float64Array, opt: LbfgsOptions): LbfgsResult {
  const d = x0.length;
  const ftol = opt.ftol ?? SCIPY_FTOL;
  const search = opt.lineSearch === 'backtracking' ? backtrackingSearch : wolfeSearch;
  const memory = new LbfgsMemory(opt.memory ?? 10, d);
  const x = Float64Array.from(x0);
  const g = new Float64Array(d);
  let f = fun(x, g);
  if (!Number.isFinite(f)) return { x, f, iterations: 0, converged: false };
  const dir = new Float64Array(d);
  const xNew = new Float64Array(d);
  const gNew = new Float64Array(d);
  let iter = 0;
  if (maxAbs(g) <= opt.gtol) return { x, f, iterations: 0, converged: true };
  while (iter < opt.maxIter) {
    opt.onIteration?.(iter);
    memory.direction(g, dir);
    let slope = dot(g, dir);
    if (!(slope < 0)) {
      // Not a descent direction (the curvature pairs went stale): restart from steepest descent.
      memory.reset();
      steepestDescent(g, dir);
      slope = dot(g, dir);
      // Only a non-finite gradient gets here.
      if (!(slope < 0)) break;
    }
    const step = search(fun, x, f, slope, dir, xNew, gNew);
    iter++;
    if (step.t === 0) break;
    memory.update(x, xNew, g, gNew);
    const fPrev = f;
    x.set(xNew);
    g.set(gNew);
    f = step.f;
    if (maxAbs(g) <= opt.gtol) return { x, f, iterations: iter, converged: true };
    if ((fPrev - f) / Math.max(Math.abs(fPrev), Math.abs(f), 1) <= ftol) return { x, f, iterations: iter, converged: true };
  }
  return { x, f, iterations: iter, converged: maxAbs(g) <= opt.gtol };
}
