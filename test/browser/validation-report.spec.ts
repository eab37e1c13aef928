import { Browser, Page } from 'playwright-core';
import { REPORT_CSP } from '../../src/common/http/report-headers';
import { GradeValidation, TrafficLight, ValidationReport } from '../../src/model/validation-report-types';
import { renderValidationReportHtml } from '../../src/performance/report/validation-report-html';
import { launchChromium } from '../support/browser';

jest.setTimeout(60_000);

/** Served by the test's route handler: nothing leaves the browser. */
const REPORT_URL = 'http://validation-report.test/reports/validation';

const BOUNDS = [0, 0.007, 0.012, 0.02, 0.035, 0.06, 0.1, 0.17, 0.28, 0.45, 1];

type GradeRow = [count: number, defaults: number, pd: number, light: TrafficLight, interval: [number, number]];

/** Ten grades from 0.5% to 60%: one with no defaults (drawn on the axis), one red, one too small to test. */
const GRADE_ROWS: GradeRow[] = [
  [900, 0, 0.005, 'GREEN', [5.5e-7, 0.0028]],
  [800, 7, 0.0095, 'GREEN', [0.0039, 0.0169]],
  [700, 11, 0.016, 'GREEN', [0.0083, 0.0272]],
  [600, 17, 0.027, 'GREEN', [0.0172, 0.0442]],
  [500, 24, 0.047, 'GREEN', [0.0317, 0.0697]],
  [400, 52, 0.08, 'RED', [0.0989, 0.1654]],
  [300, 40, 0.13, 'GREEN', [0.0976, 0.1757]],
  [200, 44, 0.22, 'GREEN', [0.1667, 0.2826]],
  [100, 37, 0.36, 'GREEN', [0.2791, 0.4655]],
  [15, 9, 0.6, 'INSUFFICIENT_DATA', [0.3534, 0.8193]],
];

function report(): ValidationReport {
  const rows = GRADE_ROWS.reduce((s, r) => s + r[0], 0);
  const defaults = GRADE_ROWS.reduce((s, r) => s + r[1], 0);
  const grades: GradeValidation[] = GRADE_ROWS.map(([count, gradeDefaults, pd, trafficLight, jeffreysInterval], i) => ({
    grade: i + 1,
    pdLower: BOUNDS[i],
    pdUpper: BOUNDS[i + 1],
    count,
    defaults: gradeDefaults,
    pd,
    observedDefaultRate: gradeDefaults / count,
    jeffreysPValue: trafficLight === 'RED' ? 4.1e-4 : 0.4,
    binomialPValue: trafficLight === 'RED' ? 3.6e-4 : 0.42,
    trafficLight,
    jeffreysInterval,
    share: count / rows,
    developmentShare: i === 9 ? null : 0.1,
  }));
  const roc = Array.from({ length: 101 }, (_, i) => {
    const fpr = i / 100;
    return { falsePositiveRate: fpr, truePositiveRate: 1 - (1 - fpr) ** 3 };
  });
  return {
    rows,
    defaults,
    rocAuc: 0.75,
    rocAucStandardError: 0.0131,
    rocAucCi: [0.7243, 0.7757],
    gini: 0.5,
    giniCi: [0.4486, 0.5514],
    ksSeparation: 0.385,
    hosmerLemeshow: { statistic: 14.2, degreesOfFreedom: 10, pValue: 0.164 },
    herfindahl: 0.0321,
    aucDeclineTest: { initialAuc: null, statistic: null, pValue: null, significant: false },
    grades,
    portfolio: {
      count: rows,
      defaults,
      pd: 0.0528,
      observedDefaultRate: defaults / rows,
      jeffreysPValue: 0.23,
      binomialPValue: 0.22,
      trafficLight: 'GREEN',
      jeffreysInterval: [0.0511, 0.0622],
    },
    gradePsi: 0.0124,
    rocCurve: roc,
    settings: { yellowPValue: 0.05, redPValue: 0.01, minGradeObligors: 20, minClassCount: 5, confidence: 0.95 },
    failed: false,
    failures: [],
  };
}

describe('HTML validation report in headless Chromium', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  /**
   * Opens the report as the service serves it (under its CSP: a script or external asset would be a
   * console error), recording every request and error.
   */
  async function open(html: string): Promise<{ page: Page; requests: string[]; problems: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    const problems: string[] = [];
    await context.route('**/*', (route) => {
      if (route.request().url() === REPORT_URL) {
        return route.fulfill({
          status: 200,
          headers: {
            'content-type': 'text/html; charset=utf-8',
            'content-security-policy': REPORT_CSP,
            'x-content-type-options': 'nosniff',
          },
          body: html,
        });
      }
      return route.abort('internetdisconnected');
    });
    const page = await context.newPage();
    page.on('request', (request) => requests.push(request.url()));
    page.on('requestfailed', (request) => problems.push(`failed ${request.url()} ${request.failure()?.errorText}`));
    page.on('console', (message) => message.type() === 'error' && problems.push(`console ${message.text()}`));
    page.on('pageerror', (error) => problems.push(`page ${error.message}`));
    const response = await page.goto(REPORT_URL, { waitUntil: 'load' });
    expect(response!.status()).toBe(200);
    return { page, requests, problems };
  }

  it('renders both charts with every mark visible, under the report CSP, with no request but the page and no errors', async () => {
    const data = report();
    const html = renderValidationReportHtml(data, {
      title: 'Validation report credit-lr-2026.03',
      modelVersion: 'credit-lr-2026.03',
      period: { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z') },
      source: null,
      generatedAt: new Date('2026-04-02T09:30:00Z'),
      masterScaleRule: 'boundaries at the development PDs’ equal-count quantiles',
    });
    const { page, requests, problems } = await open(html);

    expect(await page.locator('h1').textContent()).toBe('Validation report credit-lr-2026.03');
    expect(await page.locator('#verdict h2').textContent()).toBe('Verdict passed');
    expect(await page.locator('#grades tbody tr').count()).toBe(10);
    expect((await page.locator('#grades tr[data-grade="10"] .badge').textContent())?.trim()).toBe('insufficient data');

    for (const id of ['#calibration-chart', '#roc-chart']) {
      const box = await page.locator(`${id} svg`).boundingBox();
      expect(box).not.toBeNull();
      expect(box!.width).toBeGreaterThan(200);
      expect(box!.height).toBeGreaterThan(200);
    }

    // Every grade's markers are laid out inside the chart, with a size, and a higher PD sits higher.
    const chart = (await page.locator('#calibration-chart svg').boundingBox())!;
    const inside = (box: { x: number; y: number; width: number; height: number } | null): void => {
      expect(box).not.toBeNull();
      expect(box!.width).toBeGreaterThan(0);
      expect(box!.height).toBeGreaterThan(0);
      expect(box!.x).toBeGreaterThanOrEqual(chart.x);
      expect(box!.y).toBeGreaterThanOrEqual(chart.y);
      expect(box!.x + box!.width).toBeLessThanOrEqual(chart.x + chart.width + 0.5);
      expect(box!.y + box!.height).toBeLessThanOrEqual(chart.y + chart.height + 0.5);
    };
    const pdPoints = await page.locator('#calibration-chart .pd-point').all();
    const observedPoints = await page.locator('#calibration-chart .observed-point').all();
    const intervals = await page.locator('#calibration-chart .jeffreys-interval').all();
    expect(pdPoints).toHaveLength(10);
    expect(observedPoints).toHaveLength(10);
    expect(intervals).toHaveLength(10);
    const pdBoxes = await Promise.all(pdPoints.map((p) => p.boundingBox()));
    pdBoxes.forEach(inside);
    (await Promise.all(observedPoints.map((p) => p.boundingBox()))).forEach(inside);
    (await Promise.all(intervals.map((p) => p.boundingBox()))).forEach(inside);
    const centres = pdBoxes.map((b) => b!.y + b!.height / 2);
    centres.slice(1).forEach((y, i) => expect(y).toBeLessThan(centres[i]));
    // The red grade's observed rate is drawn above its PD.
    const redPd = (await page.locator('#calibration-chart .pd-point[data-grade="6"]').boundingBox())!;
    const redObserved = (await page.locator('#calibration-chart .observed-point[data-grade="6"]').boundingBox())!;
    expect(redObserved.y + redObserved.height / 2).toBeLessThan(redPd.y + redPd.height / 2);

    // The ROC curve spans the plot from corner to corner.
    const curve = (await page.locator('#roc-chart path.roc-curve').boundingBox())!;
    const diagonal = (await page.locator('#roc-chart line.chance').boundingBox())!;
    expect(curve.width).toBeGreaterThan(200);
    expect(curve.height).toBeGreaterThan(200);
    // Same span as the diagonal, give or take the stroke's joins.
    expect(Math.abs(curve.x - diagonal.x)).toBeLessThan(8);
    expect(Math.abs(curve.width - diagonal.width)).toBeLessThan(10);

    // The reason behind an n/a is there on hover.
    const na = page.locator('#tile-auc-decline .badge');
    expect(await na.textContent()).toBe('not tested');
    expect(await na.getAttribute('title')).toMatch(/no initial-validation AUC/);

    expect(problems).toEqual([]);
    // Self-contained: the only request is the page itself (the icon is a data: URL, no fetch).
    expect(requests).toEqual([REPORT_URL]);
  });

  it('lays out a report with missing statistics and no ROC curve without errors', async () => {
    const data = report();
    const thin: ValidationReport = {
      ...data,
      rocAuc: null,
      rocAucStandardError: null,
      rocAucCi: null,
      gini: null,
      giniCi: null,
      ksSeparation: null,
      rocCurve: [],
      gradePsi: null,
      herfindahl: null,
    };
    const html = renderValidationReportHtml(thin, {
      title: 'Validation report <thin>',
      modelVersion: null,
      period: null,
      source: 'outcomes "q1".csv',
      generatedAt: new Date('2026-04-02T09:30:00Z'),
      masterScaleRule: null,
    });
    const { page, requests, problems } = await open(html);
    expect(await page.locator('h1').textContent()).toBe('Validation report <thin>');
    expect(await page.locator('#scope').textContent()).toContain('data file outcomes "q1".csv');
    expect(await page.locator('#roc-chart svg').count()).toBe(0);
    expect(await page.locator('#roc-chart .no-roc').textContent()).toMatch(/No ROC curve to draw/);
    expect(await page.locator('#tile-auc b').textContent()).toBe('n/a');
    expect((await page.locator('#calibration-chart svg').boundingBox())!.width).toBeGreaterThan(200);
    expect(problems).toEqual([]);
    expect(requests).toEqual([REPORT_URL]);
  });
});
