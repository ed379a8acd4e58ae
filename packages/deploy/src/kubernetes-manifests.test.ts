import { describe, expect, it } from 'vitest';
import { schemaProblem } from './kubernetes-models.ts';
import { KUSTOMIZATION_FILE, asList, findManifest, loadManifests, path, selects, workloadContainers } from './manifests.ts';
import { exists, isData, readText, readYamlDocuments, type Data } from './repository.ts';
import { unknownFields } from './strict-fields.ts';

const manifests = loadManifests();
const containers = workloadContainers(manifests);
const NAMESPACE = 'platform-services';
/** Pinned: a tag with a version number, never `latest`, or a digest. */
const PINNED_IMAGE = /^[\w./-]+(:[\w.-]*\d+\.\d+[\w.-]*)(@sha256:[a-f0-9]{64})?$|@sha256:[a-f0-9]{64}$/;

describe('k8s/ manifests', () => {
  it('parse, and cover the objects the deployment needs', () => {
    const kinds = manifests.map((manifest) => `${manifest.kind}/${manifest.name}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'Namespace/platform-services',
        'ConfigMap/llm-gateway',
        'Secret/llm-gateway',
        'Deployment/llm-gateway',
        'Service/llm-gateway',
        'HorizontalPodAutoscaler/llm-gateway',
        'PodDisruptionBudget/llm-gateway',
        'Deployment/llm-gateway-supervisor',
        'Service/llm-gateway-supervisor',
        'ScaledObject/llm-gateway-supervisor',
        'PodDisruptionBudget/llm-gateway-supervisor',
        'StatefulSet/llm-gateway-redis',
        'Service/llm-gateway-redis',
        'ServiceMonitor/llm-gateway',
      ]),
    );
    expect(manifests.filter((manifest) => manifest.kind === 'NetworkPolicy').length).toBeGreaterThanOrEqual(3);
  });

  it.each(manifests.map((manifest) => [`${manifest.file} ${manifest.kind}/${manifest.name}`, manifest] as const))(
    '%s validates against its Kubernetes schema, with no unknown fields',
    (_, manifest) => {
      expect(schemaProblem(manifest.object)).toBeUndefined();
      expect(unknownFields(manifest.object)).toEqual([]);
    },
  );

  it('names are unique per kind, and namespaced objects carry no other namespace', () => {
    const keys = manifests.map((manifest) => `${manifest.kind}/${manifest.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const manifest of manifests) {
      const namespace = (manifest.object.metadata as Data).namespace;
      if (namespace !== undefined) expect(namespace, `${manifest.kind}/${manifest.name}`).toBe(NAMESPACE);
    }
  });
});

describe('k8s/kustomization.yaml', () => {
  const [kustomization] = readYamlDocuments(KUSTOMIZATION_FILE) as Data[];

  it('puts everything in platform-services and lists every manifest but the Secret template', () => {
    expect(kustomization!.kind).toBe('Kustomization');
    expect(kustomization!.namespace).toBe(NAMESPACE);
    const resources = (kustomization!.resources as string[]).map((resource) => `k8s/${resource}`);
    for (const resource of resources) expect(exists(resource), resource).toBe(true);
    const files = new Set(manifests.map((manifest) => manifest.file));
    expect(new Set(resources)).toEqual(new Set([...files].filter((file) => file !== 'k8s/secret.template.yaml')));
  });

  it('pins the gateway images (api, supervisor) to one tag, the tag of the manifests', () => {
    const images = asList(kustomization!.images);
    expect(images.map((image) => String(image.name)).sort()).toEqual(['ghcr.io/openova-io/llm-gateway-api', 'ghcr.io/openova-io/llm-gateway-supervisor']);
    const tags = new Set(images.map((image) => String(image.newTag)));
    expect(tags.size).toBe(1);
    const [tag] = tags;
    expect(tag).toMatch(/^\d+\.\d+\.\d+/);
    const gateway = containers.filter(({ container }) => String(container.image).includes('llm-gateway'));
    expect(gateway.length).toBeGreaterThanOrEqual(2);
    for (const { container } of gateway) expect(images.map((image) => `${String(image.name)}:${tag}`)).toContain(container.image);
  });
});

describe('workloads', () => {
  it.each(containers.map((entry) => [`${entry.workload.name}/${String(entry.container.name)}`, entry] as const))(
    '%s: pinned image, resources, probes, locked-down security context',
    (_, { container, podSpec }) => {
      expect(String(container.image)).toMatch(PINNED_IMAGE);
      expect(String(container.image)).not.toMatch(/:latest$/);
      const resources = path(container, ['resources']);
      for (const bound of ['requests', 'limits']) {
        expect(Object.keys(path(resources, [bound])).sort(), bound).toEqual(['cpu', 'memory']);
      }
      expect(isData(container.readinessProbe), 'readinessProbe').toBe(true);
      expect(isData(container.livenessProbe), 'livenessProbe').toBe(true);
      const security = path(container, ['securityContext']);
      expect(security.allowPrivilegeEscalation).toBe(false);
      expect(security.readOnlyRootFilesystem).toBe(true);
      expect(path(security, ['capabilities']).drop).toEqual(['ALL']);
      const podSecurity = path(podSpec, ['securityContext']);
      expect(podSecurity.runAsNonRoot).toBe(true);
      expect(Number(podSecurity.runAsUser)).toBeGreaterThan(0);
      expect(path(podSecurity, ['seccompProfile']).type).toBe('RuntimeDefault');
      expect(podSpec.automountServiceAccountToken).toBe(false);
    },
  );

  it('the API keeps the spec resources (requests 512Mi/250m, limits 1Gi/500m)', () => {
    const api = containers.find(({ workload }) => workload.name === 'llm-gateway')!;
    expect(api.container.resources).toEqual({ requests: { memory: '512Mi', cpu: '250m' }, limits: { memory: '1Gi', cpu: '500m' } });
  });

  it('the supervisor departs from them only with the reason written down', () => {
    // Measured: ~165 MB RSS per idle warm `claude` session; pool 2 + overflow 2 + Node > 1Gi.
    expect(readText('k8s/supervisor.yaml')).toMatch(/Resources differ from the spec's 512Mi\/1Gi on purpose/);
  });

  it('every writable path of a read-only container is a volume', () => {
    for (const { workload, container, podSpec } of containers) {
      const volumes = new Set(asList(podSpec.volumes).map((volume) => String(volume.name)));
      const claims = asList(path(workload.object, ['spec']).volumeClaimTemplates).map((claim) => String(path(claim, ['metadata']).name));
      for (const mount of asList(container.volumeMounts)) {
        expect([...volumes, ...claims], `${workload.name} mounts ${String(mount.name)}`).toContain(mount.name);
      }
    }
    const gateway = containers.filter(({ container }) => String(container.image).includes('llm-gateway'));
    for (const { container } of gateway) {
      const mounts = asList(container.volumeMounts).map((mount) => mount.mountPath);
      expect(mounts).toEqual(expect.arrayContaining(['/tmp', '/home/node']));
    }
  });

  it('selectors select their own pod templates', () => {
    for (const { workload, podLabels } of containers) {
      expect(selects(path(workload.object, ['spec', 'selector']), podLabels), workload.name).toBe(true);
    }
  });

  it('grace periods outlast the gateway shutdown grace (LLM_SHUTDOWN_GRACE)', () => {
    const grace = Number(path(findManifest(manifests, 'ConfigMap', 'llm-gateway').object, ['data']).LLM_SHUTDOWN_GRACE);
    for (const { workload, podSpec } of containers.filter(({ container }) => String(container.image).includes('llm-gateway'))) {
      expect(Number(podSpec.terminationGracePeriodSeconds), workload.name).toBeGreaterThan(grace + 5);
    }
  });
});

describe('scaling and disruption', () => {
  it('the HPA scales the API Deployment, which leaves replicas to it', () => {
    const hpa = findManifest(manifests, 'HorizontalPodAutoscaler', 'llm-gateway').object;
    expect(path(hpa, ['spec', 'scaleTargetRef'])).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'llm-gateway' });
    expect(path(findManifest(manifests, 'Deployment', 'llm-gateway').object, ['spec']).replicas).toBeUndefined();
    expect(Number(path(hpa, ['spec']).minReplicas)).toBeGreaterThanOrEqual(2);
  });

  it('the ScaledObject scales the supervisor Deployment, never to zero', () => {
    const scaled = findManifest(manifests, 'ScaledObject', 'llm-gateway-supervisor').object;
    expect(path(scaled, ['spec', 'scaleTargetRef']).name).toBe('llm-gateway-supervisor');
    expect(Number(path(scaled, ['spec']).minReplicaCount)).toBeGreaterThanOrEqual(1);
    expect(path(findManifest(manifests, 'Deployment', 'llm-gateway-supervisor').object, ['spec']).replicas).toBeUndefined();
  });

  it('each PodDisruptionBudget selects the pods of one workload', () => {
    const budgets = manifests.filter((manifest) => manifest.kind === 'PodDisruptionBudget');
    expect(budgets.length).toBe(2);
    for (const budget of budgets) {
      const selected = containers.filter(({ podLabels }) => selects(path(budget.object, ['spec', 'selector']), podLabels));
      expect(new Set(selected.map(({ workload }) => workload.name)).size, budget.name).toBe(1);
    }
  });
});

describe('services and network policies', () => {
  it('each Service selects pods that expose its target port', () => {
    for (const service of manifests.filter((manifest) => manifest.kind === 'Service')) {
      const selector = path(service.object, ['spec', 'selector']) as Record<string, string>;
      const pods = containers.filter(({ podLabels }) => selects({ matchLabels: selector }, podLabels));
      expect(pods.length, service.name).toBeGreaterThan(0);
      for (const port of asList(path(service.object, ['spec']).ports)) {
        for (const { container } of pods) {
          const names = asList(container.ports).map((containerPort) => containerPort.name);
          const numbers = asList(container.ports).map((containerPort) => containerPort.containerPort);
          expect([...names, ...numbers], `${service.name} → ${String(port.targetPort)}`).toContain(port.targetPort);
        }
      }
    }
  });

  const policies = manifests.filter((manifest) => manifest.kind === 'NetworkPolicy');
  const podsOf = (component: string) => containers.filter(({ podLabels }) => podLabels['app.kubernetes.io/component'] === component);
  const policyFor = (component: string) =>
    policies.filter((policy) => podsOf(component).every(({ podLabels }) => selects(path(policy.object, ['spec', 'podSelector']), podLabels)));

  it('only API pods (and Prometheus) reach the supervisors', () => {
    const [policy] = policyFor('supervisor');
    const rules = asList(path(policy!.object, ['spec']).ingress);
    const podPeers = rules.flatMap((rule) => asList(rule.from)).filter((peer) => isData(peer.podSelector) && !isData(peer.namespaceSelector));
    expect(podPeers).toHaveLength(1);
    for (const { podLabels } of podsOf('api')) expect(selects(podPeers[0]!.podSelector as Data, podLabels)).toBe(true);
    for (const component of ['supervisor', 'redis']) {
      for (const { podLabels } of podsOf(component)) expect(selects(podPeers[0]!.podSelector as Data, podLabels)).toBe(false);
    }
    const namespacePeers = rules.flatMap((rule) => asList(rule.from)).filter((peer) => isData(peer.namespaceSelector));
    expect(namespacePeers.map((peer) => (peer.namespaceSelector as Data).matchLabels)).toEqual([{ 'kubernetes.io/metadata.name': 'monitoring' }]);
  });

  it('only gateway pods (and the KEDA operator) reach Redis', () => {
    const [policy] = policyFor('redis');
    const peers = asList(path(policy!.object, ['spec']).ingress).flatMap((rule) => asList(rule.from));
    const inNamespace = peers.filter((peer) => !isData(peer.namespaceSelector));
    for (const component of ['api', 'supervisor']) {
      for (const { podLabels } of podsOf(component)) expect(inNamespace.some((peer) => selects(peer.podSelector as Data, podLabels)), component).toBe(true);
    }
    for (const { podLabels } of podsOf('redis')) expect(inNamespace.some((peer) => selects(peer.podSelector as Data, podLabels))).toBe(false);
    const outside = peers.filter((peer) => isData(peer.namespaceSelector));
    expect(outside).toHaveLength(1);
    expect(path(outside[0]!, ['namespaceSelector']).matchLabels).toEqual({ 'kubernetes.io/metadata.name': 'keda' });
    expect(isData(outside[0]!.podSelector), 'KEDA peer narrowed to its operator pods').toBe(true);
  });

  it('policy ports are the ports the selected containers listen on', () => {
    for (const policy of policies) {
      const selected = containers.filter(({ podLabels }) => selects(path(policy.object, ['spec', 'podSelector']), podLabels));
      const listening = new Set(selected.flatMap(({ container }) => asList(container.ports).map((port) => port.containerPort)));
      for (const rule of asList(path(policy.object, ['spec']).ingress)) {
        for (const port of asList(rule.ports)) expect(listening, policy.name).toContain(port.port);
      }
    }
  });
});
