import { fmtNumber, label, qualityBand } from '../lib/format';

/** Horizontal 0–100 bars, one per metric, with the value for screen readers. */
export function MetricBars({
  metrics,
  keys,
}: {
  metrics: Record<string, number | null> | null;
  keys?: readonly string[];
}) {
  if (!metrics) return <p className="muted">Not scored yet.</p>;
  const entries = (keys ?? Object.keys(metrics)).map((k) => [k, metrics[k] ?? null] as const);
  return (
    <ul className="metric-bars">
      {entries.map(([key, value]) => (
        <li key={key}>
          <span className="metric-name">{label(key)}</span>
          <span
            className="bar"
            role="meter"
            aria-label={label(key)}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={value ?? 0}
          >
            <span
              className={`bar-fill band-${qualityBand(value)}`}
              style={{ width: `${Math.max(0, Math.min(100, value ?? 0))}%` }}
            />
          </span>
          <span className="metric-value">{fmtNumber(value)}</span>
        </li>
      ))}
    </ul>
  );
}
