/**
 * Tail probabilities of daily counts: P(X ≥ n) when X is Poisson with mean μ, or negative
 * binomial with mean μ and dispersion φ (variance μ + φμ²; φ = 0 is Poisson). Summed upward from
 * n in log space, so tiny tails (1e-12) keep their precision. Pure and deterministic.
 */

const LANCZOS = [
  676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7): about 15 significant digits. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = 0.99999999999980993;
  const t = z + 7.5;
  for (let i = 0; i < LANCZOS.length; i++) a += (LANCZOS[i] as number) / (z + i + 1);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** P(X ≥ n) for a count X with mean `mu` and dispersion `phi` (0 = Poisson). */
export function tailProbability(n: number, mu: number, phi = 0): number {
  const k0 = Math.ceil(n);
  if (k0 <= 0) return 1;
  if (!(mu > 0)) return 0;
  let logTerm: number;
  let ratio: (k: number) => number;
  if (phi > 1e-9) {
    const r = 1 / phi;
    const q = mu / (r + mu);
    logTerm =
      logGamma(k0 + r) -
      logGamma(r) -
      logGamma(k0 + 1) +
      r * Math.log(r / (r + mu)) +
      k0 * Math.log(q);
    ratio = (k) => ((k + r) / (k + 1)) * q;
  } else {
    logTerm = -mu + k0 * Math.log(mu) - logGamma(k0 + 1);
    ratio = (k) => mu / (k + 1);
  }
  let term = Math.exp(logTerm);
  let sum = term;
  for (let k = k0; k < k0 + 1_000_000; k++) {
    const rk = ratio(k);
    term *= rk;
    sum += term;
    if (rk < 1 && term <= sum * 1e-17) break;
  }
  return Math.min(1, sum);
}

/** Standard deviations of a count above its mean under the same model. */
export function deviations(n: number, mu: number, phi = 0): number {
  const sd = Math.sqrt(Math.max(mu + phi * mu * mu, 1e-9));
  return (n - mu) / sd;
}
