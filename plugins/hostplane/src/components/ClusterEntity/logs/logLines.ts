import {
  LOG_LEVELS,
  LogLevel,
  parseLogLevel,
} from '@hostplane/plugin-hostplane-common';

/** The most lines the live view keeps; older ones are dropped as new ones arrive. */
export const MAX_LIVE_LINES = 100_000;

/** A line as the tab shows it: when, what, and its level when the line says one. */
export interface ShownLine {
  time?: string;
  text: string;
  level?: LogLevel;
  /** Where it came from, for search results across components. */
  source?: string;
}

/** Whether a line passes the level filter: its level or more severe; lines without one pass. */
export function passesLevel(line: ShownLine, minimum?: LogLevel): boolean {
  if (!minimum) return true;
  const level = line.level ?? parseLogLevel(line.text);
  if (!level) return false;
  return LOG_LEVELS.indexOf(level) <= LOG_LEVELS.indexOf(minimum);
}

/** The lines as the viewer's text, one per line, each prefixed with its time and source. */
export function linesText(lines: ShownLine[]): string {
  return lines
    .map(line =>
      [line.time, line.source && `[${line.source}]`, line.text]
        .filter(Boolean)
        .join(' '),
    )
    .join('\n');
}

/** Appends lines, dropping the oldest beyond the cap. */
export function appendCapped<T>(lines: T[], added: T[], cap: number): T[] {
  const all = lines.concat(added);
  return all.length > cap ? all.slice(all.length - cap) : all;
}

/** The permalink of a line of the live view: this page with the selection and the line. */
export function permalink(
  location: { origin: string; pathname: string },
  selection: Record<string, string | undefined>,
  lineNumber: number,
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(selection)) {
    if (value) params.set(key, value);
  }
  return `${location.origin}${location.pathname}?${params}#line-${lineNumber}`;
}
