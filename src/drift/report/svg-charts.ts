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

export { fmt as formatNumber };
