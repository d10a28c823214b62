import { LogSource } from './logSources';

/** One line as VictoriaLogs' JSON-lines ingestion takes it: `_time`, `_msg` and other fields. */
export type StoreRow = Record<string, unknown>;

/** klog's header: level letter, month and day, time with microseconds (local time, no year). */
const KLOG_HEADER = /^[IWEF](\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{6}) /;

/** Where JSON lines keep their time: etcd's `ts`, an audit event's `requestReceivedTimestamp`. */
const JSON_TIME_FIELDS = [
  'ts',
  'time',
  'timestamp',
  'requestReceivedTimestamp',
];

/** Where JSON lines keep their message (etcd's `msg`). */
const JSON_MESSAGE_FIELDS = ['msg', 'message', 'log'];

const DAY_MS = 24 * 3600_000;

/**
 * The time a klog line says it was written, to the microsecond (RFC 3339, UTC). klog writes the
 * local time without a year: the year is the one that puts the line no later than a day from now.
 */
export function klogTime(line: string, now = new Date()): string | undefined {
  const header = KLOG_HEADER.exec(line);
  if (!header) return undefined;
  const [month, day, hours, minutes, seconds] = header.slice(1, 6).map(Number);
  const micros = header[6];
  const at = (year: number) =>
    new Date(
      year,
      month - 1,
      day,
      hours,
      minutes,
      seconds,
      Number(micros.slice(0, 3)),
    );
  let time = at(now.getFullYear());
  if (time.getTime() > now.getTime() + DAY_MS) {
    time = at(now.getFullYear() - 1);
  }
  if (Number.isNaN(time.getTime())) return undefined;
  return `${time.toISOString().slice(0, 23)}${micros.slice(3)}Z`;
}

function jsonObject(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(line);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? parsed
      : undefined;
  } catch {
    return undefined;
  }
}

function jsonTime(object: Record<string, unknown>): string | undefined {
  for (const field of JSON_TIME_FIELDS) {
    const value = object[field];
    if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) {
      return value;
    }
  }
  return undefined;
}

/** The time a line says it was written: klog's header, or a JSON line's own time field. */
export function lineTime(line: string, now = new Date()): string | undefined {
  const object = jsonObject(line);
  return object ? jsonTime(object) : klogTime(line, now);
}

/**
 * The row of one line of a control-plane log, dated `time`: a JSON line's own fields
 * (VictoriaLogs flattens nested ones as `a.b`) with its message as `_msg`, or a plain line as
 * `_msg`; and the source's fields, which no field of the line can replace.
 */
export function storeRow(
  line: string,
  fields: LogSource['fields'],
  time: string,
): StoreRow {
  const object = jsonObject(line);
  if (!object) return { _time: time, _msg: line, ...fields };
  const row: StoreRow = { ...object };
  const messageField = JSON_MESSAGE_FIELDS.find(
    field => typeof object[field] === 'string',
  );
  if (messageField) {
    row._msg = object[messageField];
    delete row[messageField];
  }
  return { ...row, _time: time, ...fields };
}
