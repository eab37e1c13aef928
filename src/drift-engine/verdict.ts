/**
 * The verdict rule. A column drifts only when both gates pass:
 *
 * 1. Significance — its test (KS for numeric, chi-square for discrete) rejects "same
 *    distribution" after Holm–Bonferroni adjustment across every evaluated column
 *    (adjusted p ≤ alpha). This bounds the chance of any false alarm per batch by alpha,
 *    whatever the dependence between columns, at every batch size.
 * 2. Materiality — the shift is large enough to matter, judged on noise-corrected effect sizes:
 *    PSI minus its expected value under no drift ≥ psiThreshold, or (numeric) the location shift
 *    in baseline SDs whose median Wasserstein distance at these sample sizes equals the observed
 *    one ≥ wassersteinThreshold (wasserstein-gate.ts), or (discrete) Jensen–Shannon distance with
 *    the noise divergence removed ≥ jensenShannonThreshold. Large batches make trivial
 *    differences significant; this gate keeps them quiet, and because the noise is accounted for
 *    first a threshold means the same at 50 rows as at 1,000,000 (for the Wasserstein gate: a
 *    true shift of wassersteinThreshold SD meets it in half of all batches, within 10%, at every
 *    batch size; test/unit/drift/wasserstein-gate.spec.ts).
 *
 * Discrete columns' chi-square p-value is asymptotic, exact or Monte-Carlo (permutation-chi-square.ts);
 * the reason text says which.
 *
 * `method` names the gate that decided: the test when the column is not significant or when it
 * drifted (the test is the evidence), 'psi' when it was significant but immaterial (the effect
 * size decided "no drift" — the usual outcome on very large, trivially different windows).
 */
import { holmAdjust } from '../stats/multiple-testing';
import { psiLevel } from '../stats/psi';
import { ColumnComparison } from './comparison-types';
import { ColumnDriftSettings } from './config';
import type { ChiSquarePValueMethod } from './permutation-chi-square';
import { DriftMethod } from './result-types';

export interface ColumnVerdict {
  adjustedPValue: number | null;
  drifted: boolean;
  method: DriftMethod;
  statistic: number | null;
  threshold: number;
  effectThreshold: number;
  reason: string;
}

function format(value: number | null): string {
  if (value === null || Number.isNaN(value)) return 'n/a';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  return magnitude < 1e-3 || magnitude >= 1e5 ? value.toExponential(2) : value.toPrecision(3);
}

/** Holm-adjusted p-values for the evaluated comparisons (null for the rest), in input order. */
export function adjustFamily(comparisons: ReadonlyArray<ColumnComparison | null>): Array<number | null> {
  const raw = comparisons.map((c) => (c && c.evaluated && c.pValue !== null ? c.pValue : NaN));
  return holmAdjust(raw).map((p) => (Number.isNaN(p) ? null : p));
}

/** The test's name in the reason text, with how a permutation chi-square p-value was computed. */
function testLabel(comparison: ColumnComparison): string {
  if (comparison.test === 'ks') return 'KS';
  const chiSquare: (ColumnComparison['chiSquare'] & { pValueMethod?: ChiSquarePValueMethod; draws?: number }) | null = comparison.chiSquare;
  if (chiSquare?.pValueMethod === 'exact') return 'chi-square (exact permutation p)';
  if (chiSquare?.pValueMethod === 'monte_carlo') return `chi-square (Monte-Carlo permutation p, ${chiSquare.draws ?? '?'} draws)`;
  return 'chi-square';
}

export function decideColumn(
  comparison: ColumnComparison,
  adjustedPValue: number,
  settings: ColumnDriftSettings,
  kind: 'numeric' | 'discrete',
): ColumnVerdict {
  const effectThreshold = kind === 'numeric' ? settings.wassersteinThreshold : settings.jensenShannonThreshold;
  const effectLabel = kind === 'numeric' ? 'Wasserstein location shift (SD)' : 'Jensen–Shannon distance';
  const significant = adjustedPValue <= settings.alpha;
  const psiExcess = comparison.psiExcess ?? 0;
  const effect = comparison.effectSize ?? 0;
  const psiMaterial = psiExcess >= settings.psiThreshold;
  const effectMaterial = effect >= effectThreshold;
  const psiText = `PSI ${format(comparison.psi)} (${psiLevel(comparison.psi ?? NaN)}; ${format(psiExcess)} above noise, gate ${format(settings.psiThreshold)})`;
  const effectText = `${effectLabel} ${format(effect)} after noise (gate ${format(effectThreshold)})`;
  const pText = `${testLabel(comparison)} p=${format(comparison.pValue)}, Holm-adjusted ${format(adjustedPValue)}`;

  if (!significant) {
    return {
      adjustedPValue,
      drifted: false,
      method: comparison.test,
      statistic: comparison.testStatistic,
      threshold: settings.alpha,
      effectThreshold,
      reason: `no significant difference: ${pText} > alpha ${format(settings.alpha)}`,
    };
  }
  if (!psiMaterial && !effectMaterial) {
    return {
      adjustedPValue,
      drifted: false,
      method: 'psi',
      statistic: comparison.psi,
      threshold: settings.psiThreshold,
      effectThreshold,
      reason: `significant (${pText}) but not material: ${psiText}; ${effectText}`,
    };
  }
  return {
    adjustedPValue,
    drifted: true,
    method: comparison.test,
    statistic: comparison.testStatistic,
    threshold: settings.alpha,
    effectThreshold,
    reason: `drift: ${pText} ≤ alpha ${format(settings.alpha)}; material by ${[
      psiMaterial ? psiText : null,
      effectMaterial ? effectText : null,
    ]
      .filter((s) => s !== null)
      .join(' and ')}`,
  };
}
