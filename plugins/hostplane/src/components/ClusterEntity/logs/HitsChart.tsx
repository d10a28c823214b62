import {
  Bar,
  BarChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { LogHitsResponse } from '@hostplane/plugin-hostplane-common';

/** Matching lines over time (VictoriaLogs' `hits`), one bar per step. */
export function HitsChart({ hits }: { hits: LogHitsResponse }) {
  const data = hits.buckets.map(bucket => ({
    time: new Date(bucket.time).toLocaleString(),
    lines: bucket.count,
  }));
  return (
    <div aria-label={`${hits.total} matching lines per ${hits.step}`}>
      <ResponsiveContainer width="100%" height={140}>
        <BarChart data={data}>
          <XAxis dataKey="time" hide />
          <YAxis allowDecimals={false} width={48} />
          <Tooltip />
          <Bar dataKey="lines" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
