import { useState } from 'react';
import { CodeSnippet } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  ResponseAction,
  ResponseSuggestion,
  ThreatReport,
} from '@hostplane/plugin-hostplane-common';
import { hostplaneApiRef } from '@hostplane/plugin-hostplane-react';
import Box from '@material-ui/core/Box';
import Card from '@material-ui/core/Card';
import CardActions from '@material-ui/core/CardActions';
import CardContent from '@material-ui/core/CardContent';
import Typography from '@material-ui/core/Typography';
import { ConfirmDialog } from '../../common/ConfirmDialog';
import { formatTime } from '../../common/formatTime';
import { GuardedButton } from '../../common/GuardedButton';
import { ApplySuggestionDialog } from './ApplySuggestionDialog';
import { ChangesList } from './ChangesList';
import { ACTION_STATUS_LABELS, actionText, actorText } from './actionLabels';

const MODE_SENTENCES = {
  off: 'The response policy is off: nothing is suggested or done on its own.',
  suggest: 'The response policy suggests actions for a person to apply.',
  auto: 'The response policy acts on its own from a likelihood of',
};

function ActionRecord({
  action,
  changeBlock,
  onRevert,
}: {
  action: ResponseAction;
  changeBlock?: string;
  onRevert(): void;
}) {
  return (
    <Card variant="outlined" component="li" style={{ marginBottom: 8 }}>
      <CardContent>
        <Typography variant="subtitle2">
          {actionText(action)}: {ACTION_STATUS_LABELS[action.status]}
        </Typography>
        <Typography variant="caption" color="textSecondary" display="block">
          By {actorText(action.by)}, {formatTime(action.at)}
          {action.revertedBy &&
            ` · reverted by ${action.revertedBy}, ${formatTime(
              action.revertedAt,
            )}`}
        </Typography>
        {action.error && (
          <Typography variant="body2" color="error">
            {action.error}
          </Typography>
        )}
        <ChangesList changes={action.changes} />
      </CardContent>
      {action.reversible && action.status === 'done' && (
        <CardActions>
          <GuardedButton
            size="small"
            blockedReason={changeBlock}
            onClick={onRevert}
          >
            Revert
          </GuardedButton>
        </CardActions>
      )}
    </Card>
  );
}

function SuggestionCard({
  suggestion,
  changeBlock,
  onApply,
}: {
  suggestion: ResponseSuggestion;
  changeBlock?: string;
  onApply(): void;
}) {
  return (
    <Card
      variant="outlined"
      component="li"
      style={{ marginBottom: 8 }}
      aria-label={`Suggestion: ${suggestion.title}`}
    >
      <CardContent>
        <Typography variant="subtitle2">{suggestion.title}</Typography>
        <Typography variant="body2" color="textSecondary" paragraph>
          {suggestion.why}
        </Typography>
        {suggestion.yaml && (
          <CodeSnippet
            text={suggestion.yaml}
            language="yaml"
            showCopyCodeButton
          />
        )}
      </CardContent>
      <CardActions>
        <GuardedButton
          size="small"
          variant="outlined"
          color="primary"
          blockedReason={changeBlock}
          onClick={onApply}
        >
          Apply…
        </GuardedButton>
      </CardActions>
    </Card>
  );
}

/**
 * What was done about an alert (each action with who or what did it, when, and what it
 * changed; the reversible ones can be reverted) and what is suggested (each applied only after
 * a dry run is shown and confirmed).
 */
export function ReportResponse({
  report,
  changeBlock,
  onChanged,
}: {
  report: ThreatReport;
  changeBlock?: string;
  onChanged(): void;
}) {
  const api = useApi(hostplaneApiRef);
  const { alert, policy, suggestions, actions } = report;
  const [applying, setApplying] = useState<ResponseSuggestion>();
  const [reverting, setReverting] = useState<ResponseAction>();
  const taken = actions.filter(action => action.status !== 'dryRun');

  return (
    <>
      <Typography variant="body2" paragraph>
        {MODE_SENTENCES[policy.mode]}
        {policy.mode === 'auto' &&
          ` ${Math.round(policy.autoThreshold * 100)} %.`}
      </Typography>
      <Typography variant="subtitle2">Actions taken</Typography>
      {taken.length === 0 ? (
        <Typography variant="body2" color="textSecondary" paragraph>
          None yet.
        </Typography>
      ) : (
        <Box component="ul" p={0} aria-label="Actions taken">
          {taken.map(action => (
            <ActionRecord
              key={action.id}
              action={action}
              changeBlock={changeBlock}
              onRevert={() => setReverting(action)}
            />
          ))}
        </Box>
      )}
      {suggestions.length > 0 && (
        <>
          <Typography variant="subtitle2">Suggested</Typography>
          <Box component="ul" p={0} aria-label="Suggestions">
            {suggestions.map((suggestion, index) => (
              <SuggestionCard
                key={index}
                suggestion={suggestion}
                changeBlock={changeBlock}
                onApply={() => setApplying(suggestion)}
              />
            ))}
          </Box>
        </>
      )}
      {applying && (
        <ApplySuggestionDialog
          suggestion={applying}
          take={dryRun =>
            api.takeThreatAction(alert.hub, alert.cluster, alert.id, {
              ...applying.request,
              dryRun,
            })
          }
          onApplied={onChanged}
          onClose={() => setApplying(undefined)}
        />
      )}
      <ConfirmDialog
        open={!!reverting}
        title="Revert this action?"
        confirmLabel="Revert"
        onConfirm={async () => {
          await api.revertThreatAction(alert.hub, alert.cluster, reverting!.id);
          onChanged();
        }}
        onClose={() => setReverting(undefined)}
      >
        <Typography variant="body2">
          {reverting &&
            `${actionText(
              reverting,
            )} is undone: the objects it changed go back to how they were.`}
        </Typography>
      </ConfirmDialog>
    </>
  );
}
