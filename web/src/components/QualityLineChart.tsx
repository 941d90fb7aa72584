import {
  CartesianGrid,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

/** A 0–100 quality line over some x (response order, day): the dashboard's and experiments' trend. */
export function QualityLineChart(props: {
  data: object[];
  xKey: string;
  yKey: string;
  /** Series name in the tooltip (defaults to the key). */
  name?: string;
  height: number;
}) {
  return (
    <ResponsiveContainer width="100%" height={props.height}>
      <LineChart data={props.data} margin={{ top: 8, right: 16, bottom: 4, left: -12 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
        <XAxis dataKey={props.xKey} tick={{ fontSize: 12 }} />
        <YAxis domain={[0, 100]} tick={{ fontSize: 12 }} />
        <Tooltip />
        <Line
          type="monotone"
          dataKey={props.yKey}
          {...(props.name ? { name: props.name } : {})}
          stroke="#4f46e5"
          strokeWidth={2}
          dot={{ r: 3 }}
          isAnimationActive={false}
        />
      </LineChart>
    </ResponsiveContainer>
  );
}
