import { AlertEvent } from '@hostplane/plugin-hostplane-common';
import Timeline from '@material-ui/lab/Timeline';
import TimelineConnector from '@material-ui/lab/TimelineConnector';
import TimelineContent from '@material-ui/lab/TimelineContent';
import TimelineDot from '@material-ui/lab/TimelineDot';
import TimelineItem from '@material-ui/lab/TimelineItem';
import TimelineOppositeContent from '@material-ui/lab/TimelineOppositeContent';
import TimelineSeparator from '@material-ui/lab/TimelineSeparator';
import Typography from '@material-ui/core/Typography';
import { formatTime } from '../../common/formatTime';

/**
 * The audit events of an alert, oldest first: who did what to which URI, and what the API
 * server answered. A refused request (4xx) gets a hollow dot.
 */
export function ReportTimeline({
  events,
  count,
}: {
  events: AlertEvent[];
  count: number;
}) {
  if (events.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No audit events are kept for this alert.
      </Typography>
    );
  }
  return (
    <>
      {count > events.length && (
        <Typography variant="caption" color="textSecondary">
          The newest {events.length} of {count} occurrences.
        </Typography>
      )}
      <Timeline align="left" style={{ padding: 0 }}>
        {events.map((event, index) => (
          <TimelineItem key={event.auditID}>
            <TimelineOppositeContent style={{ flex: 0.3 }}>
              <Typography variant="caption" color="textSecondary">
                {formatTime(event.at)}
              </Typography>
            </TimelineOppositeContent>
            <TimelineSeparator>
              <TimelineDot
                color={event.code && event.code >= 400 ? 'grey' : 'secondary'}
                variant={
                  event.code && event.code >= 400 ? 'outlined' : 'default'
                }
              />
              {index < events.length - 1 && <TimelineConnector />}
            </TimelineSeparator>
            <TimelineContent>
              <Typography variant="body2">
                <strong>{event.user}</strong> {event.verb}{' '}
                <code style={{ wordBreak: 'break-all' }}>
                  {event.requestURI}
                </code>
              </Typography>
              <Typography variant="caption" color="textSecondary">
                {[
                  event.code !== undefined ? `answered ${event.code}` : '',
                  event.sourceIP ? `from ${event.sourceIP}` : '',
                  event.userAgent ?? '',
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </Typography>
            </TimelineContent>
          </TimelineItem>
        ))}
      </Timeline>
    </>
  );
}
