import { escapeHtml, raw, type Html } from './html.js';

// Charts as inline SVG built on the server from a few numbers: no chart library, no script, and
// they scale with the page (viewBox + width 100%). Every label is escaped.

export const PALETTE = ['#2563eb', '#16a34a', '#ea580c', '#9333ea', '#0891b2', '#dc2626', '#ca8a04', '#db2777', '#4f46e5', '#059669', '#7c3aed', '#64748b', '#b45309'];

const e = escapeHtml;
const fmt = (n: number, digits = 0) => (Number.isInteger(n) && digits === 0 ? String(n) : n.toFixed(digits));

export interface Bar {
  label: string;
  value: number;
  /** Text after the bar (defaults to the value). */
  note?: string;
  color?: string;
}

/** Horizontal bars: one row per item, label left, value right. */
export function barChart(title: string, bars: Bar[], opts: { max?: number; id?: string } = {}): Html {
  const rowH = 26;
  const labelW = 130;
  const width = 420;
  const barW = width - labelW - 70;
  const max = opts.max ?? Math.max(1, ...bars.map((b) => b.value));
  const h = Math.max(rowH, bars.length * rowH) + 8;
  const rows = bars.map((b, i) => {
    const y = 4 + i * rowH;
    const w = Math.max(b.value > 0 ? 2 : 0, Math.round((b.value / max) * barW));
    const label = b.label.length > 16 ? `${b.label.slice(0, 15)}…` : b.label;
    return `<g><title>${e(b.label)}: ${e(b.note ?? fmt(b.value, 1))}</title>`
      + `<text x="${labelW - 8}" y="${y + 17}" text-anchor="end" class="lbl">${e(label)}</text>`
      + `<rect x="${labelW}" y="${y + 4}" width="${w}" height="${rowH - 8}" rx="3" fill="${e(b.color ?? PALETTE[0]!)}"/>`
      + `<text x="${labelW + w + 6}" y="${y + 17}" class="val">${e(b.note ?? fmt(b.value, 1))}</text></g>`;
  }).join('');
  return raw(`<svg class="chart" ${opts.id ? `id="${e(opts.id)}" ` : ''}viewBox="0 0 ${width} ${h}" role="img" aria-label="${e(title)}" preserveAspectRatio="xMinYMin meet">${rows}</svg>`);
}

/** Stacked columns: one column per period, one colour per series, with a legend underneath. */
export function stackedColumns(title: string, periods: string[], series: Array<{ label: string; values: number[] }>, opts: { id?: string } = {}): Html {
  const width = 420;
  const height = 200;
  const left = 34;
  const bottom = 24;
  const plotH = height - bottom - 8;
  const totals = periods.map((_, i) => series.reduce((s, x) => s + (x.values[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const step = (width - left) / Math.max(1, periods.length);
  const colW = Math.max(4, step * 0.7);
  let out = '';
  // Axis: zero line and the max.
  out += `<line x1="${left}" y1="${8 + plotH}" x2="${width}" y2="${8 + plotH}" class="axis"/>`;
  out += `<text x="${left - 4}" y="14" text-anchor="end" class="val">${max}</text><text x="${left - 4}" y="${8 + plotH}" text-anchor="end" class="val">0</text>`;
  periods.forEach((p, i) => {
    const x = left + i * step + (step - colW) / 2;
    let y = 8 + plotH;
    series.forEach((s, k) => {
      const v = s.values[i] ?? 0;
      if (v <= 0) return;
      const hgt = (v / max) * plotH;
      y -= hgt;
      out += `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${colW.toFixed(1)}" height="${hgt.toFixed(1)}" fill="${PALETTE[k % PALETTE.length]}"><title>${e(p)} · ${e(s.label)}: ${v}</title></rect>`;
    });
    if (i % 2 === periods.length % 2 || periods.length <= 6) out += `<text x="${(x + colW / 2).toFixed(1)}" y="${height - 8}" text-anchor="middle" class="val">${e(p)}</text>`;
  });
  const svg = `<svg class="chart" ${opts.id ? `id="${e(opts.id)}" ` : ''}viewBox="0 0 ${width} ${height}" role="img" aria-label="${e(title)}" preserveAspectRatio="xMinYMin meet">${out}</svg>`;
  const legend = series.map((s, k) => `<li><span class="swatch" style="background:${PALETTE[k % PALETTE.length]}"></span>${e(s.label)}</li>`).join('');
  return raw(`${svg}<ul class="legend">${legend}</ul>`);
}
