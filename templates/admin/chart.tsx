/** A small inline SVG line chart of daily numbers (no script, no library). */
export interface Series {
  label: string;
  color: string;
  values: number[];
}

const W = 600;
const H = 150;
const PAD = 24;

export function DailyChart({ title, days, series }: { title: string; days: string[]; series: Series[] }) {
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const x = (i: number) => PAD + (days.length > 1 ? (i * (W - 2 * PAD)) / (days.length - 1) : 0);
  const y = (v: number) => H - PAD - (v * (H - 2 * PAD)) / max;
  const summary = series.map((s) => `${s.label}: ${s.values.reduce((a, b) => a + b, 0)}`).join(", ");
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title} — ${summary}`} width="100%">
        <title>{title}</title>
        <line x1={PAD} y1={H - PAD} x2={W - PAD} y2={H - PAD} stroke="currentColor" stroke-opacity="0.3" />
        <text x={PAD} y={14} font-size="11" fill="currentColor">{String(max)}</text>
        <text x={PAD} y={H - 6} font-size="11" fill="currentColor">{days[0] ?? ""}</text>
        <text x={W - PAD} y={H - 6} font-size="11" fill="currentColor" text-anchor="end">{days.at(-1) ?? ""}</text>
        {series.map((s) => (
          <polyline fill="none" stroke={s.color} stroke-width="2" points={s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ")} />
        ))}
      </svg>
      <figcaption class="muted">
        {series.map((s) => (
          <span style={`color:${s.color};margin-right:1rem`}>■ {s.label}</span>
        ))}
      </figcaption>
    </figure>
  );
}

/** The `days` UTC dates ending today, oldest first. */
export function lastDays(now: number, days: number): string[] {
  return Array.from({ length: days }, (_, i) => new Date(now - (days - 1 - i) * 86_400_000).toISOString().slice(0, 10));
}

/** Values per day from rows keyed by day. */
export function perDay<T extends { day: string }>(days: string[], rows: T[], pick: (row: T) => number): number[] {
  const byDay = new Map<string, number>();
  for (const r of rows) byDay.set(r.day, (byDay.get(r.day) ?? 0) + pick(r));
  return days.map((d) => byDay.get(d) ?? 0);
}
