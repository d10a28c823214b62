import { MetricUnit, MetricsRange } from '@hostplane/plugin-hostplane-common';

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

function trim(value: number): string {
  if (value === 0) return '0';
  // Three significant digits or so: 123, 12.3, 1.23.
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(value))));
  return String(Number(value.toFixed(Math.min(digits, 4))));
}

/** A value as a chart's axis and tooltip show it, in the panel's unit. */
export function formatMetric(value: number | null, unit: MetricUnit): string {
  if (value === null) return '–';
  switch (unit) {
    case 'requestsPerSecond':
      return `${trim(value)} req/s`;
    case 'ratio':
      return `${trim(value * 100)} %`;
    case 'seconds':
      return value < 1 ? `${trim(value * 1000)} ms` : `${trim(value)} s`;
    case 'bytes': {
      let scaled = value;
      let index = 0;
      while (Math.abs(scaled) >= 1024 && index < BYTE_UNITS.length - 1) {
        scaled /= 1024;
        index++;
      }
      return `${trim(scaled)} ${BYTE_UNITS[index]}`;
    }
    case 'cores':
      return `${trim(value)} ${value === 1 ? 'core' : 'cores'}`;
    case 'count':
    default:
      return trim(value);
  }
}

/** A point's time on the x axis: the hour for short ranges, the day too for the week. */
export function formatTime(unixSeconds: number, range: MetricsRange): string {
  const date = new Date(unixSeconds * 1000);
  const time = date.toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
  });
  if (range !== '7d') return time;
  return `${date.toLocaleDateString(undefined, {
    month: 'short',
    day: 'numeric',
  })} ${time}`;
}
