import { isData, listFiles, readYamlDocuments, type Data } from './repository.ts';

/** One Kubernetes object of `k8s/`, with the file it came from. */
export interface Manifest {
  file: string;
  apiVersion: string;
  kind: string;
  name: string;
  object: Data;
}

/** The kustomization is not an object of the cluster: it is read apart. */
export const KUSTOMIZATION_FILE = 'k8s/kustomization.yaml';

/** Every object of every YAML file under `k8s/` (the Secret template included). */
export function loadManifests(): Manifest[] {
  return listFiles('k8s', ['.yaml', '.yml'])
    .filter((file) => file !== KUSTOMIZATION_FILE)
    .flatMap((file) =>
      readYamlDocuments(file).map((object, index) => {
        if (!isData(object)) throw new Error(`${file}: document ${index + 1} is not a mapping`);
        const metadata = isData(object.metadata) ? object.metadata : {};
        return {
          file,
          apiVersion: String(object.apiVersion),
          kind: String(object.kind),
          name: String(metadata.name),
          object,
        };
      }),
    );
}

/** The one object of a kind and name; throws when there is none or more than one. */
export function findManifest(manifests: Manifest[], kind: string, name: string): Manifest {
  const matches = manifests.filter((manifest) => manifest.kind === kind && manifest.name === name);
  if (matches.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${matches.length}`);
  return matches[0]!;
}

/** A container of a workload's pod template, with the workload it belongs to. */
export interface WorkloadContainer {
  workload: Manifest;
  container: Data;
  podSpec: Data;
  podLabels: Record<string, string>;
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job']);

/** Every container (init containers too) of every workload. */
export function workloadContainers(manifests: Manifest[]): WorkloadContainer[] {
  return manifests
    .filter((manifest) => WORKLOAD_KINDS.has(manifest.kind))
    .flatMap((workload) => {
      const template = path(workload.object, ['spec', 'template']);
      const podSpec = path(template, ['spec']);
      const podLabels = path(template, ['metadata', 'labels']) as Record<string, string>;
      const containers = [...asList(podSpec.containers), ...asList(podSpec.initContainers)];
      return containers.map((container) => ({ workload, container, podSpec, podLabels }));
    });
}

/** The mapping at a path; throws naming the path when it is missing. */
export function path(value: Data, keys: string[]): Data {
  let current: unknown = value;
  for (const key of keys) {
    if (!isData(current) || !isData(current[key])) throw new Error(`missing mapping ${keys.join('.')}`);
    current = current[key];
  }
  return current as Data;
}

export function asList(value: unknown): Data[] {
  return Array.isArray(value) ? value.filter(isData) : [];
}

/** Whether a label selector's matchLabels / matchExpressions (In) select these labels. */
export function selects(selector: Data, labels: Record<string, string>): boolean {
  const matchLabels = isData(selector.matchLabels) ? (selector.matchLabels as Record<string, string>) : {};
  const matchExpressions = asList(selector.matchExpressions);
  const labelsMatch = Object.entries(matchLabels).every(([key, value]) => labels[key] === value);
  const expressionsMatch = matchExpressions.every((expression) => {
    const value = labels[String(expression.key)];
    const values = Array.isArray(expression.values) ? expression.values.map(String) : [];
    switch (expression.operator) {
      case 'In':
        return value !== undefined && values.includes(value);
      case 'NotIn':
        return value === undefined || !values.includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      default:
        throw new Error(`unknown selector operator ${String(expression.operator)}`);
    }
  });
  return labelsMatch && expressionsMatch;
}
