import { FormEvent, ReactNode } from 'react';
import { WarningPanel } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import {
  LOG_LEVELS,
  LogLevel,
  LogStoreStatus,
} from '@hostplane/plugin-hostplane-common';

/** A labelled select of a few options; `''` is "any". */
export function OptionSelect(props: {
  id: string;
  label: string;
  value: string;
  options: Array<{ value: string; label: string }>;
  onChange: (value: string) => void;
  minWidth?: number;
}) {
  return (
    <FormControl style={{ minWidth: props.minWidth ?? 160 }}>
      <InputLabel id={`${props.id}-label`} shrink>
        {props.label}
      </InputLabel>
      <Select
        labelId={`${props.id}-label`}
        id={props.id}
        displayEmpty
        value={props.value}
        onChange={event => props.onChange(String(event.target.value))}
      >
        {props.options.map(option => (
          <MenuItem key={option.value} value={option.value}>
            {option.label}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}

const LEVEL_LABELS: Record<LogLevel, string> = {
  fatal: 'Fatal',
  error: 'Error and worse',
  warning: 'Warning and worse',
  info: 'Info and worse',
  debug: 'Debug and worse',
};

/** The level filter: lines of a level or more severe, parsed from klog headers and JSON. */
export function LevelSelect(props: {
  value: LogLevel | '';
  onChange: (value: LogLevel | '') => void;
}) {
  return (
    <OptionSelect
      id="log-level"
      label="Level"
      value={props.value}
      options={[
        { value: '', label: 'All levels' },
        ...LOG_LEVELS.map(level => ({
          value: level,
          label: LEVEL_LABELS[level],
        })),
      ]}
      onChange={value => props.onChange(value as LogLevel | '')}
    />
  );
}

/** The time ranges a search offers, back from now. */
export const TIME_RANGES = [
  { value: '15m', label: 'Last 15 minutes', ms: 15 * 60_000 },
  { value: '1h', label: 'Last hour', ms: 3600_000 },
  { value: '6h', label: 'Last 6 hours', ms: 6 * 3600_000 },
  { value: '24h', label: 'Last 24 hours', ms: 24 * 3600_000 },
  { value: '7d', label: 'Last 7 days', ms: 7 * 24 * 3600_000 },
];

/** The start and end of a time range (`TIME_RANGES`' value) ending now. */
export function rangeEndingNow(range: string): { start: string; end: string } {
  const end = new Date();
  const ms = TIME_RANGES.find(r => r.value === range)!.ms;
  return {
    start: new Date(end.getTime() - ms).toISOString(),
    end: end.toISOString(),
  };
}

/** The time range filter, offering no range wider than the store searches. */
export function TimeRangeSelect(props: {
  id: string;
  value: string;
  onChange: (value: string) => void;
  store: LogStoreStatus;
}) {
  return (
    <OptionSelect
      id={props.id}
      label="Time range"
      value={props.value}
      options={TIME_RANGES.filter(
        r => r.ms <= (props.store.maxRangeHours ?? 168) * 3600_000,
      )}
      onChange={props.onChange}
    />
  );
}

/**
 * A search's filters in one row, and its button: the search runs on the button or on Enter in a
 * field. `actions` follow the button (a download, say).
 */
export function FilterBar(props: {
  submitLabel: string;
  onSubmit: () => void;
  children: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <Box
      component="form"
      display="flex"
      flexWrap="wrap"
      alignItems="flex-end"
      style={{ gap: 16 }}
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        props.onSubmit();
      }}
    >
      {props.children}
      <Button type="submit" variant="contained" color="primary">
        {props.submitLabel}
      </Button>
      {props.actions}
    </Box>
  );
}

/** Why the log store cannot be searched; nothing when it can. */
export function LogStoreUnavailable(props: { store: LogStoreStatus }) {
  const { store } = props;
  if (store.configured && store.reachable) return null;
  return (
    <WarningPanel
      severity={store.configured ? 'error' : 'info'}
      title={
        store.configured
          ? 'The log store is unreachable'
          : 'No log store is configured'
      }
      message={`${store.reason ?? ''} The live view still works.`}
    />
  );
}
