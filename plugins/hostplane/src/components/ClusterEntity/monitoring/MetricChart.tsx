import { MetricPanel, MetricsRange } from '@hostplane/plugin-hostplane-common';
import { useTheme } from '@material-ui/core/styles';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatMetric, formatTime } from './formatMetric';

/** Rows of the chart: one per time, a column per series (recharts' data shape). */
export function chartRows(
  panel: MetricPanel,
): Array<Record<string, number | null>> {
  const rows = new Map<number, Record<string, number | null>>();
  panel.series.forEach((series, index) => {
    for (const [time, value] of series.points) {
      const row = rows.get(time) ?? { time };
      row[`s${index}`] = value;
      rows.set(time, row);
    }
  });
  return [...rows.values()].sort((a, b) => a.time! - b.time!);
}

/** One panel as a line chart with its unit on the axis, a legend and a tooltip. */
export function MetricChart({
  panel,
  range,
  start,
  end,
}: {
  panel: MetricPanel;
  range: MetricsRange;
  start: number;
  end: number;
}) {
  const theme = useTheme();
  const palette = [
    theme.palette.primary.main,
    theme.palette.secondary.main,
    theme.palette.success?.main ?? '#2e7d32',
    theme.palette.warning?.main ?? '#ed6c02',
    theme.palette.info?.main ?? '#0288d1',
    theme.palette.error.main,
    '#8e24aa',
    '#6d4c41',
  ];
  return (
    <ResponsiveContainer width="100%" height={240}>
      <LineChart data={chartRows(panel)}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis
          dataKey="time"
          type="number"
          domain={[start, end]}
          tickFormatter={t => formatTime(t, range)}
        />
        <YAxis
          width={80}
          tickFormatter={v => formatMetric(v, panel.unit)}
          domain={[0, 'auto']}
        />
        <Tooltip
          labelFormatter={t => formatTime(Number(t), range)}
          formatter={v => formatMetric(v as number | null, panel.unit)}
        />
        <Legend />
        {panel.series.map((series, index) => (
          <Line
            key={index}
            dataKey={`s${index}`}
            name={series.name || `series ${index + 1}`}
            stroke={palette[index % palette.length]}
            dot={false}
            isAnimationActive={false}
            connectNulls={false}
          />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
}
