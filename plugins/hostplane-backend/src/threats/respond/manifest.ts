import { InputError } from '@backstage/errors';
import type { KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';

/**
 * The kinds a suggested manifest may be: what answers an alert by restricting (a NetworkPolicy,
 * a reduced Role or ClusterRole, a namespaced RoleBinding). Anything else, workloads and
 * ClusterRoleBindings above all, would let the response route grant more than it takes away.
 */
const APPLICABLE = new Map<string, string>([
  ['NetworkPolicy', 'networking.k8s.io/v1'],
  ['Role', 'rbac.authorization.k8s.io/v1'],
  ['ClusterRole', 'rbac.authorization.k8s.io/v1'],
  ['RoleBinding', 'rbac.authorization.k8s.io/v1'],
]);

const NAMESPACED = new Set(['NetworkPolicy', 'Role', 'RoleBinding']);

/** Reads the one object of a suggestion's YAML, refusing other kinds, several objects or none. */
export function parseManifest(text: string): KubernetesObject {
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents)) {
    throw new InputError('manifest: not YAML');
  }
  const objects = documents.filter(d => d.contents !== null);
  if (objects.length !== 1) {
    throw new InputError(
      `manifest: exactly one object is applied, there are ${objects.length}`,
    );
  }
  const [document] = objects;
  if (document.errors.length) {
    throw new InputError(`manifest: ${document.errors[0].message}`);
  }
  const object = document.toJS() as KubernetesObject;
  if (!object || typeof object !== 'object' || Array.isArray(object)) {
    throw new InputError('manifest: not an object');
  }
  const kind = String(object.kind ?? '');
  const apiVersion = APPLICABLE.get(kind);
  if (!apiVersion) {
    throw new InputError(
      `manifest: a ${
        kind || 'object without kind'
      } cannot be applied as a response; only ${[...APPLICABLE.keys()].join(
        ', ',
      )}`,
    );
  }
  if (object.apiVersion !== apiVersion) {
    throw new InputError(
      `manifest: a ${kind} is applied as ${apiVersion}, not ${object.apiVersion}`,
    );
  }
  if (!object.metadata?.name) {
    throw new InputError('manifest: metadata.name is missing');
  }
  if (NAMESPACED.has(kind) !== !!object.metadata.namespace) {
    throw new InputError(
      NAMESPACED.has(kind)
        ? `manifest: a ${kind} needs metadata.namespace`
        : `manifest: a ${kind} has no namespace`,
    );
  }
  return object;
}
