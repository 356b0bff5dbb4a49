import type { Locale } from '../../../core/model';
import type { Standard } from '../../../core/standards/catalogue';
import type { TrendPoint } from '../../../core/standards/standards-service';
import { t } from '../labels';
import { actualText, periodText } from './standard-figures';

/**
 * A standard's last months as a small inline SVG: the figure of each month as a line (a month
 * without a figure leaves a gap), the target as a dashed line, the last point in its status's
 * colour (console.css `.spark-*`). Its accessible name says what it is; the values follow as text
 * (visually hidden, right after it), so a screen reader reads the numbers the line draws.
 */
export function Sparkline(props: { id: string; std: Standard; points: TrendPoint[]; locale: Locale; width?: number; height?: number }) {
  const { std, points, locale } = props;
  const w = props.width ?? 104;
  const h = props.height ?? 32;
  const pad = 3;
  const values = points.map((p) => p.actual).filter((v): v is number => v !== null);
  const target = points.length ? points[points.length - 1]!.target : std.target;
  // Counts grow from zero; a level (a score, a rate, a reading) is drawn around its target, so
  // 9,200 → 10,450 products against 10,000 shows as a climb, not a flat line at the top.
  const level = std.kind === 'average' || std.kind === 'ratio' || std.kind === 'gauge';
  const hi = Math.max(target, ...values, 0);
  const lowest = level ? Math.min(target, ...values) : 0;
  const lo = level && hi > lowest ? Math.max(0, lowest - (hi - lowest) * 0.25) : 0;
  const span = hi - lo || 1;
  const x = (i: number) => (points.length > 1 ? pad + (i * (w - 2 * pad)) / (points.length - 1) : w / 2);
  const y = (v: number) => h - pad - ((Math.min(hi, Math.max(lo, v)) - lo) / span) * (h - 2 * pad);
  // Runs of months with a figure, each drawn as one line.
  const runs: string[][] = [];
  let run: string[] = [];
  points.forEach((p, i) => {
    if (p.actual === null) {
      if (run.length) runs.push(run);
      run = [];
    } else run.push(`${x(i).toFixed(1)},${y(p.actual).toFixed(1)}`);
  });
  if (run.length) runs.push(run);
  const lastIndex = points.map((p) => p.actual !== null).lastIndexOf(true);
  const last = lastIndex >= 0 ? points[lastIndex]! : null;
  const name = t(locale, 'stdTrendName', { n: points.length });
  const text = points.map((p) => `${periodText(locale, p.label)} ${actualText(locale, std, p)}`).join(', ');
  return (
    <span class="spark">
      <svg
        role="img"
        aria-labelledby={`${props.id}-name`}
        width={w}
        height={h}
        viewBox={`0 0 ${w} ${h}`}
        class="spark-svg"
        focusable="false"
      >
        <title id={`${props.id}-name`}>{name}</title>
        <line class="spark-target" x1={pad} x2={w - pad} y1={y(target).toFixed(1)} y2={y(target).toFixed(1)} />
        {runs.map((r) =>
          r.length > 1 ? (
            <polyline class="spark-line" points={r.join(' ')} />
          ) : (
            <circle class="spark-dot" cx={r[0]!.split(',')[0]} cy={r[0]!.split(',')[1]} r="1.5" />
          ),
        )}
        {last && last.actual !== null && (
          <circle class={`spark-last std-fill-${last.status}`} cx={x(lastIndex).toFixed(1)} cy={y(last.actual).toFixed(1)} r="3" />
        )}
      </svg>
      <span class="visually-hidden" id={`${props.id}-values`}>
        {text}
      </span>
    </span>
  );
}
