import { useId } from 'react';
import TextField from '@material-ui/core/TextField';

/** A whole-number input; an empty or unreadable entry reads as NaN, which validation names. */
export function NumberField({
  label,
  value,
  onChange,
  min,
  max,
  autoFocus,
}: {
  label: string;
  value: number;
  onChange(value: number): void;
  min?: number;
  max?: number;
  autoFocus?: boolean;
}) {
  const id = useId();
  return (
    <TextField
      id={id}
      label={label}
      type="number"
      value={Number.isNaN(value) ? '' : value}
      onChange={event =>
        onChange(event.target.value === '' ? NaN : Number(event.target.value))
      }
      inputProps={{ min, max, step: 1 }}
      margin="dense"
      // eslint-disable-next-line jsx-a11y/no-autofocus -- passed on for the first field of a dialog the user has just opened
      autoFocus={autoFocus}
      fullWidth
    />
  );
}
