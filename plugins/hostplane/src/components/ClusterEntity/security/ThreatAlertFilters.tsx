import {
  ALERT_STATUSES,
  LikelihoodLevel,
} from '@hostplane/plugin-hostplane-common';
import Box from '@material-ui/core/Box';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { AlertFilters, StatusFilter } from './alertFilters';
import {
  ALERT_STATUS_LABELS,
  LEVELS_HIGHEST_FIRST,
} from './threatPresentation';

/** The status, level and text filters over a list of threat alerts. */
export function ThreatAlertFilters({
  filters,
  onChange,
  textLabel = 'Rule or subject',
}: {
  filters: AlertFilters;
  onChange(filters: AlertFilters): void;
  textLabel?: string;
}) {
  return (
    <Box display="flex" flexWrap="wrap" alignItems="center" style={{ gap: 8 }}>
      <TextField
        id="threat-status-filter"
        select
        size="small"
        variant="outlined"
        label="Status"
        value={filters.status}
        onChange={event =>
          onChange({ ...filters, status: event.target.value as StatusFilter })
        }
        style={{ minWidth: 180 }}
      >
        <MenuItem value="active">Not yet resolved</MenuItem>
        {ALERT_STATUSES.map(status => (
          <MenuItem key={status} value={status}>
            {ALERT_STATUS_LABELS[status]}
          </MenuItem>
        ))}
        <MenuItem value="any">Any status</MenuItem>
      </TextField>
      <TextField
        id="threat-level-filter"
        select
        size="small"
        variant="outlined"
        label="Likelihood"
        value={filters.level ?? ''}
        onChange={event =>
          onChange({
            ...filters,
            level: (event.target.value || undefined) as
              | LikelihoodLevel
              | undefined,
          })
        }
        style={{ minWidth: 140 }}
      >
        <MenuItem value="">Any</MenuItem>
        {LEVELS_HIGHEST_FIRST.map(level => (
          <MenuItem key={level} value={level}>
            {level}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        id="threat-text-filter"
        size="small"
        variant="outlined"
        label={textLabel}
        value={filters.text}
        onChange={event => onChange({ ...filters, text: event.target.value })}
      />
    </Box>
  );
}
