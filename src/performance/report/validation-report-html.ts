import { escapeHtml, escapeHtmlValue as text } from '../../common/html/escape-html';
import { CURRENT_COLOR, formatNumber, REFERENCE_COLOR } from '../../drift/report/svg-charts';
import { CalibrationTest, GradeValidation, TrafficLight, ValidationReport } from '../../model/validation-report-types';

/** Where the report's data came from and when it was drawn: what the report object itself does not carry. */
export interface ValidationReportHtmlContext {
  title: string;
  modelVersion: string | null;
  /** The outcome period of a service report; null for a report on a file. */
  period: { from: Date; to: Date } | null;
  /** The labelled file of a CLI report; null for a service report. */
  source: string | null;
  generatedAt: Date;
  /** How the master scale's boundaries were chosen (MasterScale.rule); null if unknown. */
  masterScaleRule: string | null;
}

/** The model's PDs in the blue and the outcomes in the orange of the drift report's "reference" and "current". */
const PD_COLOR = REFERENCE_COLOR;
const OBSERVED_COLOR = CURRENT_COLOR;

/** A number that can be drawn (the report promises finite-or-null; a chart must never emit NaN coordinates). */
const finite = (value: number | null | undefined): value is number => typeof value === 'number' && Number.isFinite(value);

/**
 * A missing value is shown as "n/a" with the reason on hover, never as a blank or a dash a reader
 * could take for zero. Every reason goes through here, so it is escaped once.
 */
const na = (reason: string): string => `<span class="na" title="${escapeHtml(reason)}">n/a</span>`;

/** The drift report's number format: 3 significant digits, exponent form below 1e-3 (p-values near 0 stay readable). */
function num(value: number | null, reason: string): string {
  if (value === Infinity) return '∞';
  if (!finite(value)) return na(reason);
  return text(formatNumber(value));
}

/** A rate as a percentage with 3 significant digits ("0.523%", "12.3%", "60%"): PDs span two orders of magnitude. */
function percentText(value: number): string {
  return `${Number((value * 100).toPrecision(3))}%`;
}

const pct = (value: number | null, reason: string): string => (finite(value) ? text(percentText(value)) : na(reason));

const count = (value: number): string => text(finite(value) ? value.toLocaleString('en-US') : value);

function interval(value: [number, number] | null, format: (v: number) => string, reason: string): string {
  if (!value || !finite(value[0]) || !finite(value[1])) return na(reason);
  return `[${text(format(value[0]))}, ${text(format(value[1]))}]`;
}

/** "95%" from 0.95. */
const confidenceText = (confidence: number): string => `${Number((confidence * 100).toPrecision(4))}%`;

/** Midnight-UTC instants (a period given as dates) print as the date alone; anything else as the full ISO instant. */
function instantText(date: Date): string {
  const iso = date.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}

/** Why each kind of statistic can be null, worded from the report's own numbers and settings. */
class MissingReasons {
  constructor(private readonly report: ValidationReport) {}

  discrimination(): string {
    const { defaults, rows, settings } = this.report;
    const nonDefaults = rows - defaults;
    const minimum = settings.minClassCount;
    if (defaults < minimum || nonDefaults < minimum) {
      return `Too few defaults or non-defaults: discrimination statistics need at least ${minimum} of each; this sample has ${defaults} defaults and ${nonDefaults} non-defaults.`;
    }
    return 'Not computable on this sample.';
  }

  standardError(): string {
    if (!finite(this.report.rocAuc)) return this.discrimination();
    return 'The DeLong standard error is not computable on this sample.';
  }

  calibration(test: CalibrationTest, what: 'grade' | 'portfolio'): string {
    if (test.count === 0) return what === 'grade' ? 'Empty grade: no obligors fell into it.' : 'No obligors in the report.';
    return 'Not computable for these obligors.';
  }

  hosmerLemeshow(): string {
    const hl = this.report.hosmerLemeshow;
    if (hl.degreesOfFreedom === 0) return 'Every grade is empty: there is nothing to test.';
    if (hl.pValue === 0) return 'Infinite: a grade whose PD is 0 or 1 had a default count other than N·PD (p-value 0).';
    return 'Not computable on these grades.';
  }

  herfindahl(): string {
    if (this.report.rows === 0) return 'No obligors in the report.';
    if (this.report.grades.length < 2) return 'The normalised index needs at least two grades.';
    return 'Not computable on this grade distribution.';
  }

  gradePsi(): string {
    if (this.report.rows === 0) return 'No obligors in the report.';
    return 'The master scale carries no development counts to compare the grade distribution with.';
  }

  developmentShare(): string {
    return 'The master scale carries no development count for this grade.';
  }

  aucDecline(): string {
    const { aucDeclineTest, rocAucStandardError } = this.report;
    if (!finite(aucDeclineTest.initialAuc)) return 'Not tested: no initial-validation AUC was given and the model card has none.';
    if (!finite(rocAucStandardError)) return `Not tested: ${this.standardError()}`;
    if (rocAucStandardError === 0) return 'Not tested: the DeLong standard error is 0, so the test statistic is undefined.';
    return 'Not tested on this sample.';
  }
}

const TRAFFIC_LIGHT_LABEL: Record<TrafficLight, string> = {
  GREEN: 'green',
  YELLOW: 'yellow',
  RED: 'red',
  INSUFFICIENT_DATA: 'insufficient data',
};

/** The light in colour and in words (never colour alone), with the rule that gave it on hover. */
function trafficLightBadge(light: TrafficLight, report: ValidationReport): string {
  const { yellowPValue, redPValue, minGradeObligors } = report.settings;
  const rule: Record<TrafficLight, string> = {
    GREEN: `Jeffreys p-value at or above ${formatNumber(yellowPValue)}: the PD is consistent with the defaults observed.`,
    YELLOW: `Jeffreys p-value below ${formatNumber(yellowPValue)} (and at or above ${formatNumber(redPValue)}): the PD may underestimate the risk.`,
    RED: `Jeffreys p-value below ${formatNumber(redPValue)}: the PD underestimates the risk.`,
    INSUFFICIENT_DATA: `Fewer than ${minGradeObligors} obligors: too few for the test to mean anything. Not a pass.`,
  };
  // An unknown value (free JSON read back) is shown as itself, unstyled, rather than guessed.
  const known = Object.prototype.hasOwnProperty.call(TRAFFIC_LIGHT_LABEL, light);
  const label = known ? TRAFFIC_LIGHT_LABEL[light] : String(light);
  const css = known ? `tl-${light === 'INSUFFICIENT_DATA' ? 'insufficient' : light.toLowerCase()}` : 'tl-unknown';
  return `<span class="badge ${css}" data-light="${text(light)}" title="${text(known ? rule[light] : 'unknown traffic light')}">${text(label)}</span>`;
}

/** The upper end of the last grade is inclusive (p = 1 has a grade): the range says so. */
function gradeRange(grade: GradeValidation, last: boolean): string {
  return `[${text(percentText(grade.pdLower))}, ${text(percentText(grade.pdUpper))}${last ? ']' : ')'}`;
}

function verdictSection(report: ValidationReport, reasons: MissingReasons): string {
  const insufficientPortfolio = report.portfolio.trafficLight === 'INSUFFICIENT_DATA';
  let badge: string;
  let headline: string;
  if (report.failed) {
    badge = '<span class="badge verdict-failed">failed</span>';
    headline = 'The model failed validation:';
  } else if (insufficientPortfolio) {
    // The failure rule did not fire, but only because the portfolio test could not be run: not a pass.
    badge = '<span class="badge verdict-inconclusive">inconclusive</span>';
    headline = `No failure found, but the portfolio has too few obligors (${report.portfolio.count}, minimum ${report.settings.minGradeObligors}) for the calibration test: this is not a pass.`;
  } else {
    badge = '<span class="badge verdict-passed">passed</span>';
    headline = finite(report.aucDeclineTest.pValue)
      ? 'The portfolio calibration test is not red and the AUC has not declined significantly since initial validation.'
      : 'The portfolio calibration test is not red; the AUC decline could not be tested (see below).';
  }
  const failures =
    report.failed && report.failures.length
      ? `<ul class="failures">${report.failures.map((f) => `<li>${text(f)}</li>`).join('')}</ul>`
      : '';

  // What the verdict does not cover or what deserves a look even when it passed.
  const caveats: string[] = [];
  if (!finite(report.aucDeclineTest.pValue)) caveats.push(`AUC decline: ${reasons.aucDecline()}`);
  const byLight = (light: TrafficLight): string[] => report.grades.filter((g) => g.trafficLight === light).map((g) => String(g.grade));
  const red = byLight('RED');
  const yellow = byLight('YELLOW');
  const insufficient = byLight('INSUFFICIENT_DATA');
  if (red.length) caveats.push(`Red grades (PD underestimates the risk): ${red.join(', ')}.`);
  if (yellow.length) caveats.push(`Yellow grades: ${yellow.join(', ')}.`);
  if (insufficient.length) {
    caveats.push(
      `Grades with insufficient data (fewer than ${report.settings.minGradeObligors} obligors; not tested, not passing): ${insufficient.join(', ')}.`,
    );
  }
  const caveatList = caveats.length
    ? `<div class="warnings" id="caveats"><b>Also note</b><ul>${caveats.map((c) => `<li>${text(c)}</li>`).join('')}</ul></div>`
    : '';
  return `<section id="verdict"><h2>Verdict ${badge}</h2><p>${text(headline)}</p>${failures}${caveatList}</section>`;
}

function settingsSection(report: ValidationReport, context: ValidationReportHtmlContext): string {
  const s = report.settings;
  const items = [
    [
      'Traffic lights',
      `one-sided Jeffreys test per grade and for the portfolio: red below p = ${formatNumber(s.redPValue)}, yellow below p = ${formatNumber(s.yellowPValue)}`,
    ],
    ['Minimum obligors', `${s.minGradeObligors} per grade (and for the portfolio); fewer gives "insufficient data" unless red`],
    [
      'Discrimination',
      `AUC, Gini, KS and the AUC decline test need at least ${s.minClassCount} defaults and ${s.minClassCount} non-defaults`,
    ],
    ['Intervals', `${confidenceText(s.confidence)} two-sided (Jeffreys, DeLong AUC, Gini)`],
    ['AUC decline test level', `significant below p = ${formatNumber(s.redPValue)}`],
    ['Master scale', context.masterScaleRule ?? null],
  ] as const;
  const rows = items
    .map(
      ([name, value]) =>
        `<tr><th>${text(name)}</th><td>${value === null ? na('The master scale’s rule is not known for this report.') : text(value)}</td></tr>`,
    )
    .join('');
  return `<table class="settings" id="settings"><tbody>${rows}</tbody></table>`;
}

function tile(id: string, name: string, value: string, detail = ''): string {
  return `<div class="tile" id="tile-${id}"><span class="name">${text(name)}</span><b>${value}</b>${detail ? `<span class="detail">${detail}</span>` : ''}</div>`;
}

function summaryTiles(report: ValidationReport, reasons: MissingReasons): string {
  const confidence = confidenceText(report.settings.confidence);
  const portfolio = report.portfolio;
  const hl = report.hosmerLemeshow;
  const decline = report.aucDeclineTest;
  const discrimination = reasons.discrimination();
  const auc = finite(report.rocAuc)
    ? `${num(report.rocAuc, discrimination)} ± ${num(report.rocAucStandardError, reasons.standardError())}`
    : na(discrimination);
  const declineTested = finite(decline.pValue);
  const significance = declineTested
    ? decline.significant
      ? '<span class="badge verdict-failed">significant decline</span>'
      : '<span class="badge verdict-passed">no significant decline</span>'
    : `<span class="badge verdict-inconclusive" title="${text(reasons.aucDecline())}">not tested</span>`;
  return `<div class="summary" id="summary">
${tile('rows', 'obligors', count(report.rows))}
${tile('defaults', 'defaults', count(report.defaults))}
${tile(
  'default-rate',
  'observed default rate vs mean PD',
  `${pct(portfolio.observedDefaultRate, reasons.calibration(portfolio, 'portfolio'))} vs ${pct(portfolio.pd, reasons.calibration(portfolio, 'portfolio'))}`,
  `Jeffreys ${text(confidence)} ${interval(portfolio.jeffreysInterval, percentText, reasons.calibration(portfolio, 'portfolio'))}`,
)}
${tile('portfolio', 'portfolio calibration', trafficLightBadge(portfolio.trafficLight, report), `Jeffreys p ${num(portfolio.jeffreysPValue, reasons.calibration(portfolio, 'portfolio'))} · binomial p ${num(portfolio.binomialPValue, reasons.calibration(portfolio, 'portfolio'))}`)}
${tile('auc', 'ROC AUC ± DeLong SE', auc, `${text(confidence)} CI ${interval(report.rocAucCi, formatNumber, discrimination)}`)}
${tile('gini', 'Gini', num(report.gini, discrimination), `${text(confidence)} CI ${interval(report.giniCi, formatNumber, discrimination)}`)}
${tile('ks', 'KS separation', num(report.ksSeparation, discrimination), 'max gap between the PD distributions of defaulters and non-defaulters')}
${tile('auc-decline', 'AUC decline test', significance, `initial AUC ${num(decline.initialAuc, reasons.aucDecline())} · z ${num(decline.statistic, reasons.aucDecline())} · p ${num(decline.pValue, reasons.aucDecline())}`)}
${tile('hosmer-lemeshow', 'Hosmer–Lemeshow', `χ² ${num(hl.statistic, reasons.hosmerLemeshow())}`, `${text(hl.degreesOfFreedom)} dof · p ${num(hl.pValue, reasons.hosmerLemeshow())}`)}
${tile('herfindahl', 'Herfindahl (normalised)', num(report.herfindahl, reasons.herfindahl()), '0 = even over the grades, 1 = all in one grade')}
${tile('grade-psi', 'grade PSI vs development', num(report.gradePsi, reasons.gradePsi()))}
</div>`;
}

function gradeRow(grade: GradeValidation, last: boolean, report: ValidationReport, reasons: MissingReasons): string {
  const why = reasons.calibration(grade, 'grade');
  const empty = grade.count === 0;
  return `<tr data-grade="${text(grade.grade)}"${empty ? ' class="empty"' : ''}>
<td>${text(grade.grade)}</td><td>${gradeRange(grade, last)}</td><td>${count(grade.count)}</td>
<td>${pct(grade.share, why)}</td><td>${pct(grade.developmentShare, reasons.developmentShare())}</td><td>${count(grade.defaults)}</td>
<td>${pct(grade.pd, why)}</td><td>${pct(grade.observedDefaultRate, why)}</td><td>${interval(grade.jeffreysInterval, percentText, why)}</td>
<td>${num(grade.jeffreysPValue, why)}</td><td>${num(grade.binomialPValue, why)}</td><td>${trafficLightBadge(grade.trafficLight, report)}</td></tr>`;
}

function gradeTable(report: ValidationReport, reasons: MissingReasons): string {
  const portfolio = report.portfolio;
  const why = reasons.calibration(portfolio, 'portfolio');
  const rows = report.grades.map((g, i) => gradeRow(g, i === report.grades.length - 1, report, reasons)).join('\n');
  return `<div class="table-scroll"><table id="grades"><thead><tr><th>grade</th><th>PD range</th><th>obligors</th><th>share</th><th>development share</th><th>defaults</th>
<th>grade PD</th><th>observed default rate</th><th>Jeffreys ${text(confidenceText(report.settings.confidence))} interval</th><th>Jeffreys p</th><th>binomial p</th><th>traffic light</th></tr></thead>
<tbody>${rows}</tbody>
<tfoot><tr id="portfolio-row"><td>portfolio</td><td></td><td>${count(portfolio.count)}</td><td>${portfolio.count ? '100%' : na(why)}</td><td></td><td>${count(portfolio.defaults)}</td>
<td>${pct(portfolio.pd, why)}</td><td>${pct(portfolio.observedDefaultRate, why)}</td><td>${interval(portfolio.jeffreysInterval, percentText, why)}</td>
<td>${num(portfolio.jeffreysPValue, why)}</td><td>${num(portfolio.binomialPValue, why)}</td><td>${trafficLightBadge(portfolio.trafficLight, report)}</td></tr></tfoot></table></div>`;
}

/**
 * The decades of a log axis that hold the grade PDs and observed default rates. The lower end
 * comes from the PDs and the non-zero rates only: a Jeffreys lower bound for D = 0 can be ~1e-6
 * and would squash every grade into the top of the chart, so such bounds are clipped at the axis.
 */
function logAxisDecades(grades: GradeValidation[]): { low: number; high: number } {
  const anchors = grades.flatMap((g) => [g.pd, g.observedDefaultRate]).filter((v): v is number => finite(v) && v > 0);
  const tops = grades.map((g) => g.jeffreysInterval?.[1] ?? null).filter((v): v is number => finite(v) && v > 0);
  if (!anchors.length) return { low: -3, high: 0 };
  const high = Math.min(0, Math.ceil(Math.log10(Math.max(...anchors, ...tops))));
  let low = Math.max(-6, Math.floor(Math.log10(Math.min(...anchors))));
  if (low >= high) low = high - 1;
  return { low, high };
}

/** A diamond centred on (x, y): the model's PD marker (a different shape from the outcome's circle, not just a colour). */
const diamond = (x: number, y: number, r: number): string =>
  `M${x.toFixed(1)},${(y - r).toFixed(1)} L${(x + r).toFixed(1)},${y.toFixed(1)} L${x.toFixed(1)},${(y + r).toFixed(1)} L${(x - r).toFixed(1)},${y.toFixed(1)} Z`;

/** A downward triangle whose tip touches (x, y): a zero default rate, which a log axis cannot place. */
const downTriangle = (x: number, y: number, r: number): string =>
  `M${(x - r).toFixed(1)},${(y - 1.6 * r).toFixed(1)} L${(x + r).toFixed(1)},${(y - 1.6 * r).toFixed(1)} L${x.toFixed(1)},${y.toFixed(1)} Z`;

/**
 * Per grade, the model PD (diamond) beside the observed default rate (circle) with its Jeffreys
 * interval as an error bar, on a log axis: PDs from 0.5% to 60% sit evenly there, where a linear
 * axis would flatten the safe grades onto zero.
 */
export function calibrationChartSvg(report: ValidationReport): string {
  const grades = report.grades;
  const confidence = confidenceText(report.settings.confidence);
  const left = 62;
  const right = 14;
  // Two legend rows: the markers, then (only when a grade has no defaults) the on-axis triangle.
  const top = 44;
  const bottom = 46;
  const slot = Math.max(28, 490 / Math.max(grades.length, 1));
  const plotW = slot * Math.max(grades.length, 1);
  const plotH = 240;
  const width = left + plotW + right;
  const height = top + plotH + bottom;
  const { low, high } = logAxisDecades(grades);
  const floor = 10 ** low;
  const ceiling = 10 ** high;
  const py = (v: number): number => top + (plotH * (high - Math.log10(Math.min(Math.max(v, floor), ceiling)))) / (high - low);
  const baseline = top + plotH;

  let grid = '';
  for (let decade = low; decade <= high; decade++) {
    for (const mantissa of [1, 2, 5]) {
      const value = mantissa * 10 ** decade;
      if (value > ceiling * (1 + 1e-9)) break;
      const y = py(value).toFixed(1);
      const major = mantissa === 1;
      grid += `<line x1="${left}" y1="${y}" x2="${left + plotW}" y2="${y}" stroke="${major ? '#ccc' : '#eee'}"/>`;
      grid += `<text x="${left - 5}" y="${(Number(y) + 3).toFixed(1)}" font-size="10" text-anchor="end">${text(percentText(value))}</text>`;
    }
  }

  let marks = '';
  let anyZero = false;
  grades.forEach((g, i) => {
    const cx = left + (i + 0.5) * slot;
    marks += `<text x="${cx.toFixed(1)}" y="${baseline + 15}" font-size="11" text-anchor="middle">${text(g.grade)}</text>`;
    if (finite(g.pd)) {
      const label = `grade ${g.grade}: PD ${percentText(g.pd)}`;
      marks += `<path class="pd-point" data-grade="${text(g.grade)}" d="${diamond(cx - 7, py(g.pd), 5)}" fill="${PD_COLOR}"><title>${text(label)}</title></path>`;
    }
    const bounds = g.jeffreysInterval;
    if (bounds && finite(bounds[0]) && finite(bounds[1])) {
      const x = (cx + 7).toFixed(1);
      const yTop = py(bounds[1]);
      const yBottom = py(bounds[0]);
      const label = `grade ${g.grade}: Jeffreys ${confidence} interval [${percentText(bounds[0])}, ${percentText(bounds[1])}]`;
      let bar = `<line x1="${x}" y1="${yTop.toFixed(1)}" x2="${x}" y2="${yBottom.toFixed(1)}" stroke="${OBSERVED_COLOR}" stroke-width="1.5"/>`;
      bar += `<line x1="${(cx + 3).toFixed(1)}" y1="${yTop.toFixed(1)}" x2="${(cx + 11).toFixed(1)}" y2="${yTop.toFixed(1)}" stroke="${OBSERVED_COLOR}" stroke-width="1.5"/>`;
      // A bound below the axis runs off the bottom without a cap: the open end says "lower still".
      if (bounds[0] >= floor) {
        bar += `<line x1="${(cx + 3).toFixed(1)}" y1="${yBottom.toFixed(1)}" x2="${(cx + 11).toFixed(1)}" y2="${yBottom.toFixed(1)}" stroke="${OBSERVED_COLOR}" stroke-width="1.5"/>`;
      }
      marks += `<g class="jeffreys-interval" data-grade="${text(g.grade)}"><title>${text(label)}</title>${bar}</g>`;
    }
    if (finite(g.observedDefaultRate)) {
      const label = `grade ${g.grade}: observed ${percentText(g.observedDefaultRate)} (${g.defaults} of ${g.count} obligors)`;
      if (g.observedDefaultRate > 0) {
        marks += `<circle class="observed-point" data-grade="${text(g.grade)}" cx="${(cx + 7).toFixed(1)}" cy="${py(g.observedDefaultRate).toFixed(1)}" r="4.5" fill="${OBSERVED_COLOR}"><title>${text(label)}</title></circle>`;
      } else {
        anyZero = true;
        marks += `<path class="observed-point zero" data-grade="${text(g.grade)}" d="${downTriangle(cx + 7, baseline, 4.5)}" fill="#fff" stroke="${OBSERVED_COLOR}" stroke-width="1.5"><title>${text(`${label}: below the axis`)}</title></path>`;
      }
    }
  });

  const legendY = 16;
  let legend = `<path d="${diamond(left + 5, legendY - 4, 5)}" fill="${PD_COLOR}"/><text x="${left + 15}" y="${legendY}" font-size="11">grade PD (mean model PD)</text>`;
  legend += `<line x1="${left + 176}" y1="${legendY - 11}" x2="${left + 176}" y2="${legendY + 3}" stroke="${OBSERVED_COLOR}" stroke-width="1.5"/><circle cx="${left + 176}" cy="${legendY - 4}" r="4.5" fill="${OBSERVED_COLOR}"/>`;
  legend += `<text x="${left + 186}" y="${legendY}" font-size="11">observed default rate, Jeffreys ${text(confidence)} interval</text>`;
  const zeroNote = anyZero
    ? `<path d="${downTriangle(left + 176, legendY + 17, 4.5)}" fill="#fff" stroke="${OBSERVED_COLOR}" stroke-width="1.5"/><text x="${left + 186}" y="${legendY + 16}" font-size="11">no defaults: a rate of 0 is drawn on the axis</text>`
    : '';
  const axes = `<line x1="${left}" y1="${top}" x2="${left}" y2="${baseline}" stroke="#999"/><line x1="${left}" y1="${baseline}" x2="${left + plotW}" y2="${baseline}" stroke="#999"/>`;
  const yLabelX = 14;
  const yLabelY = top + plotH / 2;
  const labels =
    `<text x="${yLabelX}" y="${yLabelY}" font-size="11" text-anchor="middle" transform="rotate(-90 ${yLabelX} ${yLabelY})">default rate (log scale)</text>` +
    `<text x="${left + plotW / 2}" y="${height - 8}" font-size="11" text-anchor="middle">rating grade (1 = lowest PD)</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart calibration" viewBox="0 0 ${width.toFixed(0)} ${height}" width="${width.toFixed(0)}" height="${height}" role="img" aria-label="Grade PD vs observed default rate with Jeffreys intervals">
${grid}${axes}${marks}${legend}${zeroNote}${labels}</svg>`;
}

/** The ROC curve over the chance diagonal, the AUC in the legend. */
export function rocChartSvg(report: ValidationReport): string {
  const left = 52;
  const right = 14;
  const top = 34;
  const bottom = 46;
  const size = 280;
  const width = left + size + right;
  const height = top + size + bottom;
  const px = (v: number): string => (left + Math.min(Math.max(v, 0), 1) * size).toFixed(1);
  const py = (v: number): string => (top + size - Math.min(Math.max(v, 0), 1) * size).toFixed(1);
  let grid = '';
  for (let i = 0; i <= 5; i++) {
    const v = i / 5;
    grid += `<line x1="${px(v)}" y1="${top}" x2="${px(v)}" y2="${top + size}" stroke="#eee"/><line x1="${left}" y1="${py(v)}" x2="${left + size}" y2="${py(v)}" stroke="#eee"/>`;
    grid += `<text x="${px(v)}" y="${top + size + 14}" font-size="10" text-anchor="middle">${v.toFixed(1)}</text>`;
    grid += `<text x="${left - 5}" y="${(Number(py(v)) + 3).toFixed(1)}" font-size="10" text-anchor="end">${v.toFixed(1)}</text>`;
  }
  const points = report.rocCurve.filter((p) => finite(p.falsePositiveRate) && finite(p.truePositiveRate));
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${px(p.falsePositiveRate)},${py(p.truePositiveRate)}`).join(' ');
  const diagonal = `<line class="chance" x1="${px(0)}" y1="${py(0)}" x2="${px(1)}" y2="${py(1)}" stroke="#888" stroke-dasharray="4 3"/>`;
  const curve = `<path class="roc-curve" d="${path}" fill="none" stroke="${PD_COLOR}" stroke-width="2"/>`;
  const aucLabel = finite(report.rocAuc) ? `ROC curve (AUC ${formatNumber(report.rocAuc)})` : 'ROC curve (AUC n/a)';
  const legendY = 16;
  const legend =
    `<line x1="${left}" y1="${legendY - 4}" x2="${left + 18}" y2="${legendY - 4}" stroke="${PD_COLOR}" stroke-width="2"/><text x="${left + 23}" y="${legendY}" font-size="11">${text(aucLabel)}</text>` +
    `<line x1="${left + 170}" y1="${legendY - 4}" x2="${left + 188}" y2="${legendY - 4}" stroke="#888" stroke-dasharray="4 3"/><text x="${left + 193}" y="${legendY}" font-size="11">chance (AUC 0.5)</text>`;
  const axes = `<rect x="${left}" y="${top}" width="${size}" height="${size}" fill="none" stroke="#999"/>`;
  const yLabelX = 14;
  const yLabelY = top + size / 2;
  const labels =
    `<text x="${yLabelX}" y="${yLabelY}" font-size="11" text-anchor="middle" transform="rotate(-90 ${yLabelX} ${yLabelY})">true positive rate (defaults flagged)</text>` +
    `<text x="${left + size / 2}" y="${height - 8}" font-size="11" text-anchor="middle">false positive rate (non-defaults flagged)</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart roc" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="ROC curve">
${grid}${axes}${diagonal}${points.length ? curve : ''}${legend}${labels}</svg>`;
}

function chartsSection(report: ValidationReport, reasons: MissingReasons): string {
  const roc = report.rocCurve.length
    ? rocChartSvg(report)
    : `<p class="small no-roc">No ROC curve to draw. ${text(reasons.discrimination())}</p>`;
  return `<div class="charts">
<figure id="calibration-chart"><figcaption>Grade PD vs observed default rate: a circle well above its diamond, with the interval clear of it, is a grade whose PD underestimates the risk</figcaption>${calibrationChartSvg(report)}</figure>
<figure id="roc-chart"><figcaption>Discrimination: the further the curve bows above the diagonal, the better the PDs rank defaulters above non-defaulters</figcaption>${roc}</figure>
</div>`;
}

function scopeLine(context: ValidationReportHtmlContext): string {
  const parts = [
    `model ${context.modelVersion === null ? na('The model version is not known for this report.') : text(context.modelVersion)}`,
  ];
  if (context.period) parts.push(`outcomes from ${text(instantText(context.period.from))} to ${text(instantText(context.period.to))}`);
  if (context.source !== null) parts.push(`data file ${text(context.source)}`);
  if (!context.period && context.source === null) parts.push(`data ${na('Neither an outcome period nor a source file was given.')}`);
  parts.push(`generated ${text(context.generatedAt.toISOString())}`);
  return parts.join(' · ');
}

/**
 * The self-contained HTML credit-risk validation report (issue 14): inline CSS and SVG only, no
 * scripts and no network requests, so it is safe under a `default-src 'none'` policy and can be
 * mailed or archived as one file. The same markup comes from the service and from the CLI.
 */
export function renderValidationReportHtml(report: ValidationReport, context: ValidationReportHtmlContext): string {
  const reasons = new MissingReasons(report);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${text(context.title)}</title>
<link rel="icon" href="data:,">
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#222;max-width:1200px}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin-top:28px}
.summary{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0 8px}.tile{background:#f5f5f7;border-radius:6px;padding:8px 14px;min-width:150px}
.tile .name{display:block;font-size:12px;color:#555}.tile b{display:block;font-size:18px;margin:2px 0}.tile .detail{display:block;font-size:12px;color:#444;max-width:260px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid #e3e3e3;padding:5px 8px;text-align:right}
td{white-space:nowrap}th:first-child,td:first-child{text-align:left}.table-scroll{overflow-x:auto} tr.empty{color:#777} tfoot td{font-weight:600;border-top:2px solid #bbb}
table.settings{width:auto;font-size:13px}table.settings th,table.settings td{text-align:left;white-space:normal}table.settings th{font-weight:600;padding-right:16px}
.badge{border-radius:10px;padding:1px 8px;font-size:12px;color:#fff;white-space:nowrap;font-weight:600}
.tl-green,.verdict-passed{background:#2ca02c}.tl-yellow{background:#f2c744;color:#222}.tl-red,.verdict-failed{background:#d62728}
.tl-insufficient{background:#fff;color:#444;border:1px dashed #777}.verdict-inconclusive{background:#b7791f}.tl-unknown{background:#888}
.na{color:#777;border-bottom:1px dotted #999;cursor:help}
.warnings{background:#fff8e6;border:1px solid #f0d9a0;border-radius:6px;padding:6px 14px;font-size:13px;margin:8px 0}.warnings ul,.failures{margin:4px 0}
.failures{color:#a01d1d}
.charts{display:flex;gap:24px;flex-wrap:wrap;align-items:flex-start}figure{margin:0}figcaption{font-size:12px;color:#555;max-width:560px;margin-bottom:4px}
svg.chart{max-width:100%;height:auto}
.small{font-size:12px;color:#555}
</style></head><body>
<h1>${text(context.title)}</h1>
<p class="small" id="scope">${scopeLine(context)}</p>
${verdictSection(report, reasons)}
${summaryTiles(report, reasons)}
<h2>Per-grade calibration</h2>
${gradeTable(report, reasons)}
<h2>Charts</h2>
${chartsSection(report, reasons)}
<h2>Settings</h2>
${settingsSection(report, context)}
<p class="small">How to read it: the Jeffreys p-value is the Beta(D + ½, N − D + ½) CDF at the grade PD (one-sided; small means the PD underestimates the risk); the binomial p-value is P(X ≥ D) for X ~ Binomial(N, PD). The validation fails when the portfolio's light is red or the AUC has declined significantly since initial validation. A grade with too few obligors is marked "insufficient data" — never passing — unless its p-value is already below the red level, which makes it red. Methodology and sources: docs/credit-validation.md. Values shown as n/a could not be computed; hover for the reason.</p>
</body></html>`;
}
