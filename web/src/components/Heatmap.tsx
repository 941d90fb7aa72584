import { fmtNumber, label } from '../lib/format';
import { heatColor, heatmapMatrix, type SweepResult } from '../lib/heatmap';

/** Mean quality over two swept parameters, as an accessible table of coloured cells. */
export function Heatmap({
  results,
  x,
  y,
}: {
  results: readonly SweepResult[];
  x: string;
  y: string;
}) {
  const m = heatmapMatrix(results, x, y);
  if (m.xs.length === 0 || m.ys.length === 0)
    return <p className="muted">No results for these parameters yet.</p>;
  return (
    <div className="heatmap-wrap">
      <table className="heatmap" data-testid="heatmap">
        <caption>
          Mean quality by {label(x)} (columns) and {label(y)} (rows)
        </caption>
        <thead>
          <tr>
            <th scope="col" className="corner">
              {label(y)} ↓ / {label(x)} →
            </th>
            {m.xs.map((v) => (
              <th key={v} scope="col">
                {v}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {[...m.rows].reverse().map((row) => (
            <tr key={row[0]?.y}>
              <th scope="row">{row[0]?.y}</th>
              {row.map((cell) => (
                <td
                  key={cell.x}
                  style={{ background: heatColor(cell.value, m.min, m.max) }}
                  title={`${x}=${cell.x}, ${y}=${cell.y}: ${fmtNumber(cell.value)} (${cell.count} combination${cell.count === 1 ? '' : 's'})`}
                >
                  {fmtNumber(cell.value)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="heat-legend" aria-hidden="true">
        <span>{fmtNumber(m.min)}</span>
        <span className="heat-scale" />
        <span>{fmtNumber(m.max)}</span>
      </div>
    </div>
  );
}
