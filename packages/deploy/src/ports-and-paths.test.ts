import { describe, expect, it } from 'vitest';
import { QUEUE_NAME } from '../../supervisor/src/queue/protocol.ts';
import { composeServices, loadCompose } from './compose.ts';
import { commandWords, healthcheckCommand, parseDockerfile } from './dockerfile.ts';
import { EXPECTED_PORTS, PROBE_PATHS, defaultPort, servedPaths, type Role } from './gateway-routes.ts';
import { asList, findManifest, loadManifests, path, workloadContainers } from './manifests.ts';
import { readText, type Data } from './repository.ts';

// Routes come from the servers' own sources (packages/api/src/app.ts, packages/supervisor/src/http/),
// so renaming a probe path there fails this file until the deployment follows.
const manifests = loadManifests();
const containers = workloadContainers(manifests);
const ROLE_BY_WORKLOAD: Record<string, Role> = { 'llm-gateway': 'api', 'llm-gateway-supervisor': 'supervisor' };

describe('the servers', () => {
  it.each(['api', 'supervisor'] as const)('%s serves every probe path and listens on its port by default', (role) => {
    const paths = servedPaths(role);
    for (const probe of Object.values(PROBE_PATHS)) expect(paths, `${role} serves ${probe}`).toContain(probe);
    expect(defaultPort(role)).toBe(EXPECTED_PORTS[role]);
  });
});

describe('Kubernetes', () => {
  it.each(Object.entries(ROLE_BY_WORKLOAD))('%s: container port, PORT, probes and Service agree', (workloadName, role) => {
    const { container } = containers.find(({ workload }) => workload.name === workloadName)!;
    const port = EXPECTED_PORTS[role];
    const ports = asList(container.ports);
    expect(ports).toEqual([{ name: 'http', containerPort: port, protocol: 'TCP' }]);
    expect(asList(container.env).find((variable) => variable.name === 'PORT')?.value).toBe(String(port));

    const probes = { readinessProbe: PROBE_PATHS.readiness, livenessProbe: PROBE_PATHS.liveness, startupProbe: PROBE_PATHS.liveness };
    for (const [probe, expected] of Object.entries(probes)) {
      if (container[probe] === undefined && probe === 'startupProbe') continue;
      const httpGet = path(container, [probe, 'httpGet']);
      expect(httpGet.path, probe).toBe(expected);
      expect(servedPaths(role)).toContain(httpGet.path);
      expect(['http', port]).toContain(httpGet.port);
    }

    const service = findManifest(manifests, 'Service', workloadName).object;
    expect(asList(path(service, ['spec']).ports)).toEqual([{ name: 'http', port, targetPort: 'http', protocol: 'TCP' }]);
  });

  it('the tenant URL http://llm-gateway.platform-services:5005/v1 reaches the API', () => {
    const service = findManifest(manifests, 'Service', 'llm-gateway');
    expect(readText('k8s/kustomization.yaml')).toMatch(/^namespace: platform-services$/m);
    expect(asList(path(service.object, ['spec']).ports)[0]!.port).toBe(5005);
    expect(servedPaths('api')).toContain('/v1/chat/completions');
  });

  it('the ServiceMonitor scrapes /metrics on the port both Services name `http`', () => {
    const endpoints = asList(path(findManifest(manifests, 'ServiceMonitor', 'llm-gateway').object, ['spec']).endpoints);
    expect(endpoints.map((endpoint) => [endpoint.port, endpoint.path])).toEqual([['http', PROBE_PATHS.metrics]]);
    for (const role of ['api', 'supervisor'] as const) expect(servedPaths(role)).toContain(PROBE_PATHS.metrics);
  });

  it('the ServiceMonitor scrapes with LLM_METRICS_KEY from the Secret the pods read', () => {
    const [endpoint] = asList(path(findManifest(manifests, 'ServiceMonitor', 'llm-gateway').object, ['spec']).endpoints);
    expect(endpoint!.authorization).toEqual({ type: 'Bearer', credentials: { name: 'llm-gateway', key: 'LLM_METRICS_KEY' } });
    const secret = findManifest(manifests, 'Secret', 'llm-gateway').object.stringData as Data;
    expect(Object.keys(secret)).toContain('LLM_METRICS_KEY');
    for (const { container } of containers.filter(({ workload }) => workload.name in ROLE_BY_WORKLOAD)) {
      expect(asList(container.envFrom).map((source) => (source.secretRef as Data | undefined)?.name)).toContain('llm-gateway');
    }
  });

  it('KEDA watches the BullMQ wait list of the queue the supervisors consume, on the in-cluster Redis', () => {
    const [trigger] = asList(path(findManifest(manifests, 'ScaledObject', 'llm-gateway-supervisor').object, ['spec']).triggers);
    const configMap = findManifest(manifests, 'ConfigMap', 'llm-gateway').object.data as Data;
    expect(trigger!.type).toBe('redis');
    const metadata = trigger!.metadata as Data;
    // BullMQ keys: <prefix>:<queue name>:wait (a list of job ids waiting for a worker).
    expect(metadata.listName).toBe(`${String(configMap.REDIS_PREFIX)}:${QUEUE_NAME}:wait`);
    const redisService = findManifest(manifests, 'Service', 'llm-gateway-redis').object;
    const redisPort = asList(path(redisService, ['spec']).ports)[0]!.port;
    expect(metadata.address).toBe(`llm-gateway-redis.platform-services.svc.cluster.local:${String(redisPort)}`);
    expect(configMap.REDIS_URL).toBe(`redis://llm-gateway-redis:${String(redisPort)}`);
  });
});

describe('docker-compose.yml', () => {
  const services = composeServices(loadCompose());

  it('publishes the API on 5005 and keeps the supervisor on 5006 inside', () => {
    expect(services.get('api')!.ports).toEqual(['5005:5005']);
    expect(services.get('supervisor')!.ports).toBeUndefined();
    expect(services.get('supervisor')!.expose).toEqual(['5006']);
  });

  it.each([
    ['api', 'api'],
    ['supervisor', 'supervisor'],
  ] as const)('%s health check asks a path its server serves', (serviceName, role) => {
    const test = services.get(serviceName)!.healthcheck as Data;
    const command = test.test as string[];
    expect(command.slice(0, 3)).toEqual(['CMD', 'node', 'packages/deploy/bin/healthcheck.mjs']);
    expect(servedPaths(role)).toContain(command[3]);
    expect((services.get(serviceName)!.environment as Data).PORT).toBe(String(EXPECTED_PORTS[role]));
  });
});

describe('Dockerfile', () => {
  const { instructions } = parseDockerfile(readText('Dockerfile'));
  const ofStages = (stages: string[], keyword: string) =>
    instructions.filter((instruction) => stages.includes(instruction.stage) && instruction.keyword === keyword);
  const exposedBy = (stages: string[]) => ofStages(stages, 'EXPOSE').flatMap((instruction) => commandWords(instruction.text)).map(Number).sort();

  it("exposes each role's port on its target, and both on the all-in-one runtime (built on the supervisor's)", () => {
    expect(exposedBy(['api'])).toEqual([EXPECTED_PORTS.api]);
    expect(exposedBy(['supervisor'])).toEqual([EXPECTED_PORTS.supervisor]);
    expect(exposedBy(['supervisor', 'runtime'])).toEqual([EXPECTED_PORTS.api, EXPECTED_PORTS.supervisor]);
  });

  it('checks health on the liveness path, which both roles serve', () => {
    // Set once in the stage every runtime target is built from.
    const healthchecks = ofStages(['app', 'api', 'supervisor', 'runtime'], 'HEALTHCHECK');
    expect(healthchecks.map((instruction) => instruction.stage)).toEqual(['app']);
    const command = healthcheckCommand(healthchecks[0]!.text);
    expect(command).toEqual(['node', 'packages/deploy/bin/healthcheck.mjs', PROBE_PATHS.liveness]);
    for (const role of ['api', 'supervisor'] as const) expect(servedPaths(role)).toContain(PROBE_PATHS.liveness);
  });
});
