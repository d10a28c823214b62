import { Link } from '@backstage/core-components';
import {
  AnomalyFinding,
  MitreTechnique,
  ThreatAlert,
} from '@hostplane/plugin-hostplane-common';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { formatScore } from '../threatPresentation';

const ANOMALY_LABELS: Record<AnomalyFinding['kind'], string> = {
  firstAction: 'Never done before',
  deniedBurst: 'Burst of refused requests',
  rateSpike: 'Unusual request rate',
};

/** MITRE's page of a technique: sub-techniques (`T1611.001`) live under their parent. */
export function mitreUrl(technique: MitreTechnique): string {
  return `https://attack.mitre.org/techniques/${technique.id.replace(
    '.',
    '/',
  )}/`;
}

/** A term's part in the likelihood, signed: `+0.30`. */
function formatTerm(value: number): string {
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(2)}`;
}

/**
 * Why an alert is suspicious: the rule's description and ATT&CK technique, what was unusual
 * against the cluster's baseline, and each term of the likelihood with why it counts.
 */
export function ReportReasons({ alert }: { alert: ThreatAlert }) {
  return (
    <>
      <Typography variant="body2" paragraph>
        {alert.description}
      </Typography>
      <Typography variant="body2" paragraph>
        MITRE ATT&amp;CK:{' '}
        <Link to={mitreUrl(alert.mitre)} target="_blank" rel="noopener">
          {alert.mitre.id} {alert.mitre.name}
        </Link>{' '}
        (tactic: {alert.mitre.tactic})
      </Typography>
      <Typography variant="subtitle2">
        Likelihood {formatScore(alert.likelihood)} ({alert.level})
      </Typography>
      <List dense disablePadding aria-label="Likelihood terms">
        {alert.likelihoodTerms.map(term => (
          <ListItem key={term.term} disableGutters>
            <ListItemText
              primary={`${term.term} ${formatTerm(term.value)}`}
              secondary={term.why}
            />
          </ListItem>
        ))}
      </List>
      {alert.anomalies.length > 0 && (
        <>
          <Typography variant="subtitle2">Against the baseline</Typography>
          <List dense disablePadding aria-label="Anomalies">
            {alert.anomalies.map((anomaly, index) => (
              <ListItem key={index} disableGutters>
                <ListItemText
                  primary={`${ANOMALY_LABELS[anomaly.kind]} (${formatScore(
                    anomaly.score,
                  )}): ${anomaly.detail}`}
                  secondary={`Baseline: ${anomaly.baseline}`}
                />
              </ListItem>
            ))}
          </List>
        </>
      )}
      <Typography variant="subtitle2">What to do</Typography>
      <Typography variant="body2">{alert.remediation}</Typography>
    </>
  );
}
