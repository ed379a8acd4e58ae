import { describe, expect, it } from 'vitest';
import { loadConfig } from '@llm-gateway/shared';
import { composeSchemaProblems, composeServices, loadCompose } from './compose.ts';
import { loadManifests, workloadContainers } from './manifests.ts';
import { type Data } from './repository.ts';

const compose = loadCompose();
const services = composeServices(compose);
const seconds = (duration: unknown) => Number(/^(\d+)s$/.exec(String(duration))![1]);

describe('docker-compose.yml', () => {
  it('validates against the Compose Specification schema', () => {
    expect(composeSchemaProblems(compose)).toEqual([]);
  });

  it('the schema check can fail', () => {
    const broken = structuredClone(compose) as Data & Record<string, any>;
    broken.services.api.helthcheck = broken.services.api.healthcheck;
    broken.services.api.ports = '5005:5005';
    expect(composeSchemaProblems(broken)).toEqual([
      expect.stringContaining('additionalProperty":"helthcheck'),
      expect.stringContaining('/services/api/ports must be array'),
    ]);
  });

  it('runs redis, api and supervisor', () => {
    expect([...services.keys()].sort()).toEqual(['api', 'redis', 'supervisor']);
  });

  it('pins every image, and builds the gateway image the Kubernetes manifests run', () => {
    const k8sImages = new Set(
      workloadContainers(loadManifests())
        .map(({ container }) => String(container.image))
        .filter((image) => image.includes('llm-gateway')),
    );
    for (const [name, service] of services) {
      expect(String(service.image), name).toMatch(/:\d+\.\d+\.\d+[\w.-]*$/);
      if (service.build !== undefined) {
        // Each role's own target of the Dockerfile.
        expect(service.build, name).toEqual({ context: '.', target: name });
        expect(k8sImages, name).toContain(service.image);
      }
    }
  });

  it('has a health check on every service, and starts the gateway once Redis is healthy', () => {
    for (const [name, service] of services) expect((service.healthcheck as Data | undefined)?.test, name).toBeDefined();
    for (const name of ['api', 'supervisor']) {
      expect(services.get(name)!.depends_on, name).toEqual({ redis: { condition: 'service_healthy' } });
    }
  });

  it('configures Redis for BullMQ (noeviction)', () => {
    expect((services.get('redis')!.command as string[]).join(' ')).toContain('--maxmemory-policy noeviction');
  });

  it('mounts the developer ~/.claude login where the CLI in the image looks for it', () => {
    const supervisor = services.get('supervisor')!;
    expect(supervisor.volumes).toEqual(['${HOME}/.claude:/home/node/.claude']);
    expect((supervisor.environment as Data).CLAUDE_CONFIG_DIR).toBe('/home/node/.claude');
  });

  it('gives the API and the supervisor the same keys, the metrics key among them', () => {
    for (const name of ['api', 'supervisor']) {
      const environment = services.get(name)!.environment as Data;
      for (const variable of ['LLM_API_KEYS', 'LLM_ADMIN_KEY', 'LLM_METRICS_KEY']) expect(environment[variable], `${name} ${variable}`).toBe(`\${${variable}:-}`);
    }
  });

  it('gives the gateway longer to stop than its own shutdown grace', () => {
    const grace = loadConfig({}).shutdownGraceMs / 1000;
    for (const name of ['api', 'supervisor']) expect(seconds(services.get(name)!.stop_grace_period), name).toBeGreaterThan(grace);
  });
});
