/**
 * A horizontal bar chart drawn on the server as inline SVG: one row per group, one bar per series
 * (e.g. median and 90th percentile), the value written after each bar.
 *
 * Geometry is in percent of the width and in pixels of the height, without a viewBox, so the text
 * keeps its real size from 390 px phones to wide screens while the bars stretch.
 *
 * Accessibility: the drawing is one image (`role="img"`, named by its `<title>` and `<desc>`); the
 * numbers are in the table the page puts beside it, whose rows link where the bars do. The bars'
 * links lie in a second SVG over the drawing for pointer users only (`aria-hidden`, out of the tab
 * order): links inside `role="img"` would be presentational, i.e. silently lost (axe
 * nested-interactive), and the table already offers each of them to the keyboard and screen readers.
 */

/** A series: its legend word and the class that colours its bars (console.css `.bar-*`). */
export interface ChartSeries {
  label: string;
  cls: string;
}
/** A row: the group's name, where it leads, and per series the value (null: no data) and its text. */
export interface ChartRow {
  key: string;
  label: string;
  href: string;
  values: (number | null)[];
  texts: string[];
}

const BAR_H = 16;
const BAR_GAP = 3;
const ROW_PAD = 7;
const TOP = 4;
/** Where the labels end, the bars start, and how wide a full bar is (percent of the width). */
const LABEL_END = 29;
const BAR_START = 31;
const BAR_SPAN = 46;
/** How wide a label may be, in em: what the label column holds on a 390 px screen. */
const LABEL_EM = 8;

/** A label cut to fit its column (the table beside has it whole): Hangul and CJK take about 1 em, other text about half. */
function clip(s: string): string {
  const chars = [...s];
  let em = 0;
  for (let i = 0; i < chars.length; i++) {
    em += /[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]/.test(chars[i]!) ? 1 : 0.55;
    if (em > LABEL_EM) return `${chars.slice(0, i).join('')}…`;
  }
  return s;
}
const pct = (n: number) => `${Math.round(n * 100) / 100}%`;

export function BarChart(props: {
  id: string;
  title: string;
  desc: string;
  series: ChartSeries[];
  rows: ChartRow[];
  /** The value of a full-width bar (100 for percentages); at least 1. */
  max: number;
  noData: string;
}) {
  const { id, series, rows } = props;
  const rowH = series.length * BAR_H + (series.length - 1) * BAR_GAP + ROW_PAD * 2;
  const height = TOP * 2 + rows.length * rowH;
  const max = Math.max(props.max, 1);
  const widthOf = (v: number | null) => (v === null || v <= 0 ? 0 : Math.max((v / max) * BAR_SPAN, 0.4));
  const rowTop = (i: number) => TOP + i * rowH;
  const barTop = (i: number, j: number) => rowTop(i) + ROW_PAD + j * (BAR_H + BAR_GAP);
  const tooltip = (r: ChartRow) =>
    `${r.label}: ${series.map((s, j) => (series.length > 1 ? `${s.label} ${r.texts[j]}` : r.texts[j])).join(', ')}`;
  return (
    <div class="chart">
      {series.length > 1 && (
        <ul class="chart-legend" aria-hidden="true">
          {series.map((s) => (
            <li key={s.cls}>
              <span class={`legend-swatch ${s.cls}`} />
              {s.label}
            </li>
          ))}
        </ul>
      )}
      <div class="chart-stack">
        <svg class="chart-drawing" role="img" aria-labelledby={`${id}-title ${id}-desc`} width="100%" height={height} data-chart={id}>
          <title id={`${id}-title`}>{props.title}</title>
          <desc id={`${id}-desc`}>{props.desc}</desc>
          {rows.map((r, i) => (
            <g key={r.key} class="chart-row" data-key={r.key}>
              <text class="chart-label" x={pct(LABEL_END)} y={rowTop(i) + rowH / 2} textAnchor="end" dominantBaseline="middle">
                {clip(r.label)}
              </text>
              {series.map((s, j) => {
                const w = widthOf(r.values[j] ?? null);
                const v = r.values[j] ?? null;
                // A row without any data says so once, in its middle.
                const empty = r.values.every((x) => x === null);
                return (
                  <g key={s.cls}>
                    <rect
                      class={`bar ${s.cls}`}
                      x={pct(BAR_START)}
                      y={barTop(i, j)}
                      width={pct(w)}
                      height={BAR_H}
                      rx={2}
                      data-value={v === null ? '' : String(v)}
                    />
                    {(!empty || j === 0) && (
                      <text
                        class={v === null ? 'bar-value bar-none' : 'bar-value'}
                        x={pct(BAR_START + w + 1)}
                        y={empty ? rowTop(i) + rowH / 2 : barTop(i, j) + BAR_H / 2}
                        dominantBaseline="middle"
                      >
                        {v === null ? props.noData : r.texts[j]}
                      </text>
                    )}
                  </g>
                );
              })}
            </g>
          ))}
          <line class="chart-axis" x1={pct(BAR_START)} x2={pct(BAR_START)} y1={0} y2={height} />
        </svg>
        <svg class="chart-links" aria-hidden="true" width="100%" height={height}>
          {rows.map((r, i) => (
            <a key={r.key} href={r.href} tabIndex={-1}>
              <title>{tooltip(r)}</title>
              <rect class="chart-hit" x="0" y={rowTop(i)} width="100%" height={rowH} />
            </a>
          ))}
        </svg>
      </div>
    </div>
  );
}
