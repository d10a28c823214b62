import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import { LOG_LEVELS, LogLevel } from '@hostplane/plugin-hostplane-common';

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
