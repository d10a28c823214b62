import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import { OperationStep } from '@hostplane/plugin-hostplane-common';
import { OperationState } from './OperationState';
import { formatTime } from './formatTime';

function stepDetails(step: OperationStep): string {
  return [
    step.message,
    step.attempts > 1 ? `attempt ${step.attempts}` : undefined,
    step.startedAt ? `started ${formatTime(step.startedAt)}` : undefined,
    step.finishedAt ? `finished ${formatTime(step.finishedAt)}` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** An operation's step log: each step with its state and latest message. */
export function OperationSteps({ steps }: { steps: OperationStep[] }) {
  return (
    <List dense aria-label="Steps">
      {steps.map(step => (
        <ListItem key={step.name} divider>
          <ListItemText
            primary={
              <>
                <OperationState state={step.state} /> {step.title}
              </>
            }
            secondary={stepDetails(step) || undefined}
          />
        </ListItem>
      ))}
    </List>
  );
}
