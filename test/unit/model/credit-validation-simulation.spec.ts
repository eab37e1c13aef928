/**
 * Does the traffic light mean what it says? Outcomes are drawn from known PDs, so the truth is
 * known: when the model's PDs are the true ones, a grade should turn RED at about the configured
 * rate (redPValue) and no more; when the model's PDs are half the true risk, the grades should
 * turn RED nearly always.
 *
 * The PDs are a fixed, realistic population — 20,000 logit-normal PDs, logit PD ~ N(−3.2, 1), mean
 * PD about 6% — on the 8-grade master scale fitted to it (fitMasterScale's equal-count rule, as at
 * training); each portfolio draws its obligors from that population with replacement. All
 * randomness comes from seeded mulberry32 streams.
 *
 * (Drawing from a table rather than evaluating a logit-normal per obligor, and stepping to the
 * critical default count from the expected one, keep the test at a few seconds under jest, whose
 * vm context makes every Math.* call about ten times slower than in node.)
 */
import { computeValidationReport } from '../../../src/model/credit-validation';
import { fitMasterScale, gradeIndexOf, MasterScale } from '../../../src/model/master-scale';
import { betaCdf } from '../../../src/stats/beta-distribution';
import { binomialSurvival } from '../../../src/stats/binomial';
import { deriveSeed, mulberry32, randomNormal, RandomSource } from '../../../src/stats/random';

const SEED = 20250317;
const POPULATION = 20000;
const NULL_TRIALS = 400;
const NULL_OBLIGORS = 5000;
const HALVED_TRIALS = 100;
const HALVED_OBLIGORS = 20000;

const population = new Float64Array(POPULATION);
{
  const random = mulberry32(SEED);
  for (let i = 0; i < POPULATION; i++) population[i] = 1 / (1 + Math.exp(-randomNormal(random, -3.2, 1)));
}

function drawPds(random: RandomSource, count: number): Float64Array {
  const pds = new Float64Array(count);
  for (let i = 0; i < count; i++) pds[i] = population[(random() * POPULATION) | 0];
  return pds;
}

function drawOutcomes(random: RandomSource, pds: Float64Array): Float64Array {
  return pds.map((p) => (random() < p ? 1 : 0));
}

/**
 * The smallest default count D of a grade of N obligors at PD pd whose Jeffreys p-value is below
 * `level`, N + 1 when none is. The p-value falls as D grows; the walk starts at the expected count
 * N·pd, a few steps from the answer.
 */
function criticalDefaults(count: number, pd: number, level: number): number {
  const rejects = (d: number): boolean => betaCdf(pd, d + 0.5, count - d + 0.5) < level;
  let d = Math.min(count, Math.round(count * pd));
  if (rejects(d)) {
    while (d > 0 && rejects(d - 1)) d--;
    return d;
  }
  while (d <= count && !rejects(d)) d++;
  return d;
}

/**
 * Pr(Jeffreys p-value < level) when D ~ Binomial(N, rate): the exact size of the discrete test
 * (rate = pd) or its exact power (rate = the true default rate).
 */
function rejectionProbability(count: number, pd: number, rate: number, level: number): number {
  return binomialSurvival(criticalDefaults(count, pd, level), count, rate);
}

describe('simulation: Jeffreys traffic lights on outcomes drawn from known PDs', () => {
  const scale: MasterScale = fitMasterScale(population);

  it('uses a fitted 8-grade scale', () => {
    expect(scale.grades).toHaveLength(8);
  });

  it(`PDs right: RED in about redPValue = 1% of ${NULL_TRIALS * 8} grade tests, within the binomial tolerance of the exact size`, () => {
    let tests = 0;
    let reds = 0;
    let yellowOrRed = 0;
    let expectedReds = 0;
    let expectedYellowOrRed = 0;
    let largestSize = 0;
    let portfolioReds = 0;
    let expectedPortfolioReds = 0;
    for (let trial = 0; trial < NULL_TRIALS; trial++) {
      const random = mulberry32(deriveSeed(SEED, 1, trial));
      const pds = drawPds(random, NULL_OBLIGORS);
      const report = computeValidationReport(pds, drawOutcomes(random, pds), scale);
      for (const grade of report.grades) {
        if (grade.count === 0) continue;
        tests++;
        if (grade.trafficLight === 'RED') reds++;
        if (grade.trafficLight === 'RED' || grade.trafficLight === 'YELLOW') yellowOrRed++;
        const size = rejectionProbability(grade.count, grade.pd!, grade.pd!, report.settings.redPValue);
        expectedReds += size;
        largestSize = Math.max(largestSize, size);
        expectedYellowOrRed += rejectionProbability(grade.count, grade.pd!, grade.pd!, report.settings.yellowPValue);
      }
      if (report.portfolio.trafficLight === 'RED') portfolioReds++;
      const portfolio = report.portfolio;
      expectedPortfolioReds += rejectionProbability(portfolio.count, portfolio.pd!, portfolio.pd!, report.settings.redPValue);
    }
    expect(tests).toBe(NULL_TRIALS * 8);

    // The Jeffreys test is discrete, and being close to a mid-p test it is not strictly
    // conservative: at a grade's N and PD its exact size Pr(p < 1%) under Binomial(N, PD) can be
    // a little above 1% (at most 1.53% here) or below it. Averaged over the grades it must stay
    // within a quarter of the nominal level.
    const meanSize = expectedReds / tests;
    expect(meanSize).toBeGreaterThan(0.0075);
    expect(meanSize).toBeLessThan(0.0125);
    expect(largestSize).toBeLessThan(0.02);
    // Grades are disjoint sets of obligors and trials are independent, so the RED count is a sum
    // of independent Bernoulli(size) draws (a within-grade PD spread only makes the real default
    // count less variable than Binomial(N, PD), i.e. the sizes above are if anything too high):
    // allow three standard deviations above the expectation, and below it for "about".
    const tolerance = 3 * Math.sqrt(expectedReds);
    expect(reds).toBeLessThanOrEqual(expectedReds + tolerance);
    expect(reds).toBeGreaterThanOrEqual(expectedReds - tolerance);
    // So the observed share is at most 1.25% + 3·sqrt(1.25%/3200) ≈ 1.84%.
    expect(reds / tests).toBeLessThan(0.0125 + 3 * Math.sqrt(0.0125 / tests));
    // The same for "at least YELLOW" at the 5% level.
    expect(Math.abs(yellowOrRed - expectedYellowOrRed)).toBeLessThanOrEqual(3 * Math.sqrt(expectedYellowOrRed));
    expect(expectedYellowOrRed / tests).toBeLessThan(0.0625);
    // The portfolio: about 4 RED of 400.
    expect(portfolioReds).toBeLessThanOrEqual(expectedPortfolioReds + 3 * Math.sqrt(expectedPortfolioReds) + 1);
  });

  it(`PDs halved: every grade RED in nearly all of ${HALVED_TRIALS} trials of ${HALVED_OBLIGORS} obligors, as its exact power predicts`, () => {
    const gradeCount = scale.grades.length;
    const reds = new Array<number>(gradeCount).fill(0);
    const power = new Array<number>(gradeCount).fill(0);
    let portfolioReds = 0;
    for (let trial = 0; trial < HALVED_TRIALS; trial++) {
      const random = mulberry32(deriveSeed(SEED, 2, trial));
      const truePds = drawPds(random, HALVED_OBLIGORS);
      const outcomes = drawOutcomes(random, truePds);
      const modelPds = truePds.map((p) => p / 2);
      const report = computeValidationReport(modelPds, outcomes, scale);
      // The true default rate of the obligors each grade holds under the halved PDs.
      const trueSums = new Float64Array(gradeCount);
      for (let i = 0; i < HALVED_OBLIGORS; i++) trueSums[gradeIndexOf(scale, modelPds[i])] += truePds[i];
      report.grades.forEach((grade, g) => {
        if (grade.trafficLight === 'RED') reds[g]++;
        if (grade.count > 0) power[g] += rejectionProbability(grade.count, grade.pd!, trueSums[g] / grade.count, report.settings.redPValue);
      });
      if (report.portfolio.trafficLight === 'RED') portfolioReds++;
    }
    expect(portfolioReds).toBe(HALVED_TRIALS);
    for (let g = 0; g < gradeCount; g++) {
      // At these sizes the exact power of each grade's test is above 99.9%.
      expect(power[g] / HALVED_TRIALS).toBeGreaterThan(0.999);
      expect(reds[g] / HALVED_TRIALS).toBeGreaterThanOrEqual(0.98);
    }
  });
});
