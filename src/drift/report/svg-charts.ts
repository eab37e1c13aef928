/**
 * Tiny inline-SVG charts for the self-contained HTML report: no scripts, no network, and the
 * size depends on the number of bins, never on the number of rows.
 */

const WIDTH = 360;
const HEIGHT = 160;
const PAD = { left: 36, right: 8, top: 8, bottom: 28 };
export const REFERENCE_COLOR = '#4c78a8';
export const CURRENT_COLOR = '#f58518';

function fmt(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e5 || abs < 1e-3)) return value.toExponential(1);
  return Number(value.toPrecision(3)).toString();
}

function frame(inner: string, xLabels: string, title: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${title}">
<line x1="${PAD.left}" y1="${HEIGHT - PAD.bottom}" x2="${WIDTH - PAD.right}" y2="${HEIGHT - PAD.bottom}" stroke="#999"/>
<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${HEIGHT - PAD.bottom}" stroke="#999"/>
${inner}${xLabels}</svg>`;
}

/** Reference and current proportions per bin, drawn as overlaid translucent bars. */
export function histogramSvg(labels: string[], reference: number[], current: number[], title: string): string {
  const bins = Math.max(reference.length, current.length, 1);
  const max = Math.max(...reference, ...current, 1e-9);
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const barW = plotW / bins;
  let bars = '';
  for (let i = 0; i < bins; i++) {
    const x = PAD.left + i * barW;
    for (const [values, color] of [
      [reference, REFERENCE_COLOR],
      [current, CURRENT_COLOR],
    ] as const) {
      const h = ((values[i] ?? 0) / max) * plotH;
      bars += `<rect x="${(x + 1).toFixed(1)}" y="${(HEIGHT - PAD.bottom - h).toFixed(1)}" width="${Math.max(barW - 2, 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${color}" fill-opacity="0.55"/>`;
    }
  }
  const step = Math.max(1, Math.ceil(labels.length / 6));
  let ticks = `<text x="4" y="${PAD.top + 8}" font-size="9">${fmt(max)}</text>`;
  labels.forEach((label, i) => {
    if (i % step !== 0) return;
    const x = PAD.left + (i + 0.5) * barW;
    ticks += `<text x="${x.toFixed(1)}" y="${HEIGHT - 12}" font-size="9" text-anchor="middle">${label}</text>`;
  });
  return frame(bars, ticks, title);
}

/** Two step functions (empirical CDFs) on shared x points. */
export function ecdfSvg(x: number[], reference: number[], current: number[], title: string): string {
  if (x.length === 0) return '';
  const lo = x[0];
  const hi = x[x.length - 1] === lo ? lo + 1 : x[x.length - 1];
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const px = (v: number): number => PAD.left + ((v - lo) / (hi - lo)) * plotW;
  const py = (p: number): number => HEIGHT - PAD.bottom - p * plotH;
  const path = (values: number[]): string =>
    values
      .map(
        (p, i) =>
          `${i === 0 ? 'M' : 'L'}${px(x[i]).toFixed(1)},${py(i === 0 ? 0 : values[i - 1]).toFixed(1)} L${px(x[i]).toFixed(1)},${py(p).toFixed(1)}`,
      )
      .join(' ');
  const lines = `<path d="${path(reference)}" fill="none" stroke="${REFERENCE_COLOR}" stroke-width="1.5"/><path d="${path(current)}" fill="none" stroke="${CURRENT_COLOR}" stroke-width="1.5"/>`;
  const ticks = `<text x="${PAD.left}" y="${HEIGHT - 12}" font-size="9">${fmt(lo)}</text><text x="${WIDTH - PAD.right}" y="${HEIGHT - 12}" font-size="9" text-anchor="end">${fmt(hi)}</text><text x="4" y="${PAD.top + 8}" font-size="9">1</text>`;
  return frame(lines, ticks, title);
}

/** Bar colours of the score-shift chart: raising the log-odds (riskier scores) vs lowering them. */
export const RAISES_COLOR = '#c0392b';
export const LOWERS_COLOR = '#2a7f9e';

export interface DivergingBar {
  /** Already escaped for SVG text. */
  label: string;
  value: number;
  /** Already escaped; drawn at the bar's end. */
  valueLabel: string;
}

/**
 * Signed horizontal bars around a zero line, one row per item in the given order: positive to
 * the right, negative to the left, lengths on one scale (the largest |value|). A non-finite value
 * draws no bar (its row and label stay, so the order still reads right).
 */
export function divergingBarsSvg(bars: DivergingBar[], title: string): string {
  const width = 560;
  const labelWidth = 150;
  const valueRoom = 92;
  const rowHeight = 22;
  const top = 8;
  const height = top * 2 + Math.max(bars.length, 1) * rowHeight;
  const plotLeft = labelWidth + valueRoom;
  const plotRight = width - valueRoom;
  const zero = (plotLeft + plotRight) / 2;
  const half = (plotRight - plotLeft) / 2;
  const max = Math.max(1e-12, ...bars.map((b) => (Number.isFinite(b.value) ? Math.abs(b.value) : 0)));
  let rows = '';
  bars.forEach((bar, i) => {
    const y = top + i * rowHeight;
    const mid = y + rowHeight / 2 + 3;
    rows += `<text x="${labelWidth - 6}" y="${mid}" font-size="11" text-anchor="end">${bar.label}</text>`;
    if (!Number.isFinite(bar.value)) {
      rows += `<text x="${zero + 4}" y="${mid}" font-size="10">${bar.valueLabel}</text>`;
      return;
    }
    const length = (Math.abs(bar.value) / max) * half;
    const positive = bar.value >= 0;
    const x = positive ? zero : zero - length;
    rows += `<rect class="bar" x="${x.toFixed(1)}" y="${(y + 4).toFixed(1)}" width="${Math.max(length, 0.5).toFixed(1)}" height="${rowHeight - 8}" fill="${positive ? RAISES_COLOR : LOWERS_COLOR}" data-sign="${positive ? '+' : '-'}"><title>${bar.label}: ${bar.valueLabel}</title></rect>`;
    const labelX = positive ? zero + length + 4 : zero - length - 4;
    rows += `<text x="${labelX.toFixed(1)}" y="${mid}" font-size="10" text-anchor="${positive ? 'start' : 'end'}">${bar.valueLabel}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${title}">
<line x1="${zero}" y1="${top - 4}" x2="${zero}" y2="${height - top + 4}" stroke="#777"/>${rows}</svg>`;
}

/**
 * Two bars side by side per category (reference left, current right), on one scale: where the
 * overlaid histogram shows a shape, this reads grade by grade which side holds more. `labels` are
 * already escaped; a non-finite share draws no bar.
 */
export function pairedBarsSvg(labels: string[], reference: number[], current: number[], title: string): string {
  const categories = Math.max(labels.length, 1);
  const finiteShare = (v: number | undefined): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);
  const max = Math.max(1e-9, ...reference.map(finiteShare), ...current.map(finiteShare));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotW / categories;
  const barW = Math.max((slot - 4) / 2, 1);
  let bars = '';
  labels.forEach((label, i) => {
    const left = PAD.left + i * slot + 2;
    for (const [values, color, offset, side] of [
      [reference, REFERENCE_COLOR, 0, 'reference'],
      [current, CURRENT_COLOR, barW, 'current'],
    ] as const) {
      const value = finiteShare(values[i]);
      const h = (value / max) * plotH;
      bars += `<rect class="${side}" x="${(left + offset).toFixed(1)}" y="${(HEIGHT - PAD.bottom - h).toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${color}"><title>${label} ${side}: ${fmt(value)}</title></rect>`;
    }
  });
  let ticks = `<text x="4" y="${PAD.top + 8}" font-size="9">${fmt(max)}</text>`;
  labels.forEach((label, i) => {
    ticks += `<text x="${(PAD.left + (i + 0.5) * slot).toFixed(1)}" y="${HEIGHT - 12}" font-size="9" text-anchor="middle">${label}</text>`;
  });
  return frame(bars, ticks, title);
}

export { fmt as formatNumber };
