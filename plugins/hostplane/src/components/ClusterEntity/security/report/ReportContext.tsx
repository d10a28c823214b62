import { StructuredMetadataTable } from '@backstage/core-components';
import { ThreatContext } from '@hostplane/plugin-hostplane-common';
import Typography from '@material-ui/core/Typography';

/**
 * What the tenant says of the workload and identity behind an alert: the pod (image, owner,
 * service account, node, privileges), the service account's bindings, or the binding itself.
 */
export function ReportContext({ context }: { context: ThreatContext }) {
  const { pod, serviceAccountBindings, binding, unavailable } = context;
  return (
    <>
      {unavailable && (
        <Typography variant="body2" color="textSecondary" paragraph>
          {unavailable}
        </Typography>
      )}
      {pod && (
        <StructuredMetadataTable
          dense
          metadata={{
            Pod: `${pod.namespace}/${pod.name}`,
            Phase: pod.phase ?? '—',
            Images: pod.images,
            Owner: pod.owner ? `${pod.owner.kind} ${pod.owner.name}` : 'none',
            'Service account': pod.serviceAccount ?? '—',
            Node: pod.node ?? 'not scheduled',
            Privileged: pod.privileged ? 'yes' : 'no',
            'Host paths': pod.hostPaths.length ? pod.hostPaths : 'none',
            Labels: Object.entries(pod.labels).map(([k, v]) => `${k}=${v}`),
          }}
        />
      )}
      {serviceAccountBindings && (
        <>
          <Typography variant="subtitle2" style={{ marginTop: 8 }}>
            The service account&apos;s bindings
          </Typography>
          {serviceAccountBindings.length === 0 ? (
            <Typography variant="body2" color="textSecondary">
              None.
            </Typography>
          ) : (
            <ul aria-label="Service account bindings">
              {serviceAccountBindings.map(b => (
                <li key={`${b.kind}/${b.namespace ?? ''}/${b.name}`}>
                  <Typography variant="body2">
                    {b.kind} {b.namespace ? `${b.namespace}/` : ''}
                    {b.name} → {b.role}
                  </Typography>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      {binding && (
        <StructuredMetadataTable
          dense
          metadata={{
            Binding: `${binding.kind} ${
              binding.namespace ? `${binding.namespace}/` : ''
            }${binding.name}`,
            Role: binding.role,
            Subjects: binding.subjects,
            'Still exists': binding.exists ? 'yes' : 'no, it was deleted',
          }}
        />
      )}
      {!pod && !binding && !serviceAccountBindings && !unavailable && (
        <Typography variant="body2" color="textSecondary">
          This alert is about an identity, not a workload.
        </Typography>
      )}
    </>
  );
}
