/**
 * OWL-QN (orthant-wise limited-memory quasi-Newton, Andrew & Gao 2007): minimises
 * f(x) + lam * sum_{j < m} |x_j| for a smooth f. It runs L-BFGS on the smooth part with three
 * changes: the pseudo-gradient (the steepest-descent direction of the non-smooth objective)
 * replaces the gradient, the search direction is kept in the orthant that pseudo-gradient
 * points into, and each trial point is projected back onto the current orthant, so coordinates
 * that cross zero land exactly on zero. That projection is what makes weights exactly 0.
 */
import { SCIPY_FTOL, type LbfgsOptions, type LbfgsResult, type Objective } from './lbfgs.js';
import { LbfgsMemory, dot, maxAbs, steepestDescent } from './quasi-newton.js';

/**
 * Stopping rules and memory of {@link owlqn}: those of L-BFGS, with the pseudo-gradient in place
 * of the gradient for `gtol`. Its line search is always the projected backtracking.
 */
export type OwlqnOptions = Omit<LbfgsOptions, 'lineSearch'>;

const C1 = 1e-4;

/**
 * Minimises `fun(x) + lam * ||x[0..m)||_1` from `x0` (not modified); `fun` is the smooth part
 * and writes its gradient. The result's `f` includes the L1 term.
 */
export function owlqn(fun: Objective, x0: Float64Array, m: number, lam: number, opt: OwlqnOptions): LbfgsResult {
  const d = x0.length;
  const ftol = opt.ftol ?? SCIPY_FTOL;
  const x = Float64Array.from(x0);
  const g = new Float64Array(d);
  const pg = new Float64Array(d);
  let f = fun(x, g) + lam * l1(x, m);
  const dir = new Float64Array(d);
  const orth = new Float64Array(d);
  const xNew = new Float64Array(d);
  const gNew = new Float64Array(d);
  const memory = new LbfgsMemory(opt.memory ?? 10, d);
  let iter = 0;
  pseudoGradient(x, g, m, lam, pg);
  if (maxAbs(pg) <= opt.gtol) return { x, f, iterations: 0, converged: true };
  while (iter < opt.maxIter) {
    opt.onIteration?.(iter);
    // Two-loop recursion on the pseudo-gradient: dir = -H pg.
    memory.direction(pg, dir);
    // Keep only the components that agree in sign with steepest descent.
    for (let i = 0; i < d; i++) if (dir[i]! * pg[i]! >= 0) dir[i] = 0;
    if (!(dot(dir, pg) < 0)) {
      memory.reset();
      steepestDescent(pg, dir);
    }
    // The orthant searched: the sign of x, or for zeros the sign of the descent direction.
    for (let i = 0; i < d; i++) orth[i] = i >= m ? 0 : x[i]! !== 0 ? Math.sign(x[i]!) : Math.sign(-pg[i]!);
    // Backtracking on the projected path, with the sufficient decrease measured along pg.
    let t = 1;
    let fNew = Infinity;
    let accepted = false;
    for (let ls = 0; ls < 40; ls++) {
      for (let i = 0; i < d; i++) {
        const v = x[i]! + t * dir[i]!;
        xNew[i] = i < m && v * orth[i]! <= 0 ? 0 : v;
      }
      fNew = fun(xNew, gNew) + lam * l1(xNew, m);
      let decrease = 0;
      for (let i = 0; i < d; i++) decrease += pg[i]! * (xNew[i]! - x[i]!);
      if (Number.isFinite(fNew) && fNew <= f + C1 * decrease) {
        accepted = true;
        break;
      }
      t *= 0.5;
    }
    iter++;
    if (!accepted) break;
    memory.update(x, xNew, g, gNew);
    const fPrev = f;
    x.set(xNew);
    g.set(gNew);
    f = fNew;
    pseudoGradient(x, g, m, lam, pg);
    if (maxAbs(pg) <= opt.gtol) return { x, f, iterations: iter, converged: true };
    if ((fPrev - f) / Math.max(Math.abs(fPrev), Math.abs(f), 1) <= ftol) return { x, f, iterations: iter, converged: true };
  }
  return { x, f, iterations: iter, converged: maxAbs(pg) <= opt.gtol };
}

/**
 * Steepest-descent direction (negated) of f + lam |x| on the first m coordinates: at zero the
 * one-sided derivative that points downhill, or 0 when both sides go up.
 */
function pseudoGradient(x: Float64Array, g: Float64Array, m: number, lam: number, pg: Float64Array): void {
  for (let i = 0; i < x.length; i++) {
    const gi = g[i]!;
    if (i >= m) pg[i] = gi;
    else if (x[i]! > 0) pg[i] = gi + lam;
    else if (x[i]! < 0) pg[i] = gi - lam;
    else if (gi + lam < 0) pg[i] = gi + lam;
    else if (gi - lam > 0) pg[i] = gi - lam;
    else pg[i] = 0;
  }
}

function l1(x: Float64Array, m: number): number {
  let s = 0;
  for (let i = 0; i < m; i++) s += Math.abs(x[i]!);
  return s;
}
