/**
 * Normal-distribution helpers shared by the TPE and GP samplers. Accuracy of about 1e-7 relative
 * is ample for density ratios and acquisition values, and these stay finite far into the tails,
 * which is what matters when a candidate lies many standard deviations from every observation.
 */

/** log(sqrt(2 pi)). */
export const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const SQRT2 = Math.SQRT2;

/**
 * exp(x^2) * erfc(x) for x >= 0 (the scaled complementary error function), from a Chebyshev-type
 * fit with fractional error below 1.2e-7. Scaling keeps it finite where erfc itself underflows.
 */
export function erfcxPos(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  const poly =
    -1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return t * Math.exp(poly);
}

/** erfc(x) for any real x. */
export function erfc(x: number): number {
  if (x >= 0) return erfcxPos(x) * Math.exp(-x * x);
  return 2 - erfcxPos(-x) * Math.exp(-x * x);
}

/** Standard normal CDF. */
export function normCdf(z: number): number {
  return 0.5 * erfc(-z / SQRT2);
}

/** log of the standard normal CDF, finite for very negative z. */
export function logNormCdf(z: number): number {
  if (z > -5) return Math.log(normCdf(z));
  // Phi(z) = 0.5 * erfcx(-z / sqrt2) * exp(-z^2 / 2) for z < 0.
  return Math.log(0.5 * erfcxPos(-z / SQRT2)) - 0.5 * z * z;
}

/** Standard normal log density. */
export function logNormPdf(z: number): number {
  return -0.5 * z * z - LOG_SQRT_2PI;
}

/**
 * log of the probability mass of N(mu, sigma^2) inside [0, 1]: the normaliser of a kernel
 * truncated to the unit interval.
 */
export function logUnitMass(mu: number, sigma: number): number {
  const a = (0 - mu) / sigma;
  const b = (1 - mu) / sigma;
  // Beyond 7 standard deviations a tail holds < 1e-12 of the mass: skip the costly CDF.
  const hi = b > 7 ? 1 : fastCdf(b);
  const lo = a < -7 ? 0 : fastCdf(a);
  const m = hi - lo;
  if (m > 1e-12) return Math.log(m);
  // Both ends deep in one tail: use the dominant tail term, which cannot cancel.
  return b < 0 ? logNormCdf(b) : logNormCdf(-a);
}

const CDF_STEPS_PER_UNIT = 64;
const CDF_RANGE = 8;
/** Phi tabulated on [-8, 8]; linear interpolation is accurate to about 1e-5, ample for normalisers. */
const CDF_TABLE = (() => {
  const n = 2 * CDF_RANGE * CDF_STEPS_PER_UNIT + 1;
  const t = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) t[i] = normCdf(i / CDF_STEPS_PER_UNIT - CDF_RANGE);
  t[n] = 1;
  return t;
})();

/**
 * Standard normal CDF by table lookup (absolute error about 1e-5): kernel normalisers are needed
 * for every observation and dimension on every ask, so they must cost no exponential.
 */
export function fastCdf(z: number): number {
  if (z <= -CDF_RANGE) return 0;
  if (z >= CDF_RANGE) return 1;
  const x = (z + CDF_RANGE) * CDF_STEPS_PER_UNIT;
  const i = Math.floor(x);
  const f = x - i;
  return CDF_TABLE[i]! * (1 - f) + CDF_TABLE[i + 1]! * f;
}

/**
 * log(phi(z) + z * Phi(z)): the log of expected improvement of a unit normal over a threshold at
 * standardised distance z. Stable for very negative z, where the plain form cancels to 0.
 */
export function logH(z: number): number {
  if (z > -1) {
    const v = Math.exp(logNormPdf(z)) + z * normCdf(z);
    return Math.log(Math.max(v, 1e-300));
  }
  // phi(z) + z Phi(z) = phi(z) * (1 + z * R) with R = Phi(z) / phi(z) = sqrt(pi/2) * erfcx(-z/sqrt2).
  if (z < -40) {
    const z2 = z * z;
    return logNormPdf(z) + Math.log(1 / z2 - 3 / (z2 * z2) + 15 / (z2 * z2 * z2));
  }
  const r = Math.sqrt(Math.PI / 2) * erfcxPos(-z / SQRT2);
  return logNormPdf(z) + Math.log(Math.max(1 + z * r, 1e-300));
}
