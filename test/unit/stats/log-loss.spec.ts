import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { binaryMetrics, LOG_LOSS_EPSILON, logLoss } from '../../../src/stats/classification-metrics';

/** scripts/reference/log_loss_reference.py: scikit-learn 1.2's log_loss (clip at float64 eps). */
const fixture = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'reference', 'log-loss.json'), 'utf8')) as {
  eps: number;
  cases: Array<{ y_true: number[]; y_score: number[]; log_loss: number }>;
};

describe('logLoss against sklearn.metrics.log_loss (scikit-learn 1.2 clipping)', () => {
  it('clips at machine epsilon, the value the fixture was computed with', () => {
    expect(LOG_LOSS_EPSILON).toBe(fixture.eps);
    expect(LOG_LOSS_EPSILON).toBe(2 ** -52);
    // Written with full precision, the constant reads back as the same double (as PostgreSQL reads it).
    expect(Number(String(LOG_LOSS_EPSILON))).toBe(LOG_LOSS_EPSILON);
  });

  it.each(fixture.cases.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    expect(Math.abs(logLoss(c.y_true, c.y_score) - c.log_loss) / c.log_loss).toBeLessThan(1e-13);
    expect(Math.abs(binaryMetrics(c.y_true, c.y_score, 0.5).logLoss - c.log_loss) / c.log_loss).toBeLessThan(1e-13);
  });

  it('gives a confidently wrong row −ln(ε) = 52·ln 2, not −ln(1e-15)', () => {
    expect(logLoss([1], [0])).toBeCloseTo(52 * Math.LN2, 12);
    expect(logLoss([0], [1])).toBeCloseTo(52 * Math.LN2, 12);
    expect(logLoss([1], [1])).toBeCloseTo(-Math.log(1 - 2 ** -52), 25);
  });

  it('differs from the old 1e-15 clip where the fixture has probabilities at 0 or 1', () => {
    const clipAt = (eps: number, y: number[], p: number[]): number =>
      -y.reduce((sum, yi, i) => {
        const q = Math.min(Math.max(p[i], eps), 1 - eps);
        return sum + (yi === 1 ? Math.log(q) : Math.log(1 - q));
      }, 0) / y.length;
    const changed = fixture.cases.filter((c) => Math.abs(clipAt(1e-15, c.y_true, c.y_score) - c.log_loss) / c.log_loss > 1e-6);
    expect(changed.length).toBeGreaterThan(fixture.cases.length / 10);
  });
});
