import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, loadConfig } from '@llm-gateway/shared';
import { composeServices, loadCompose, serviceEnvironment } from './compose.ts';
import { environmentOf, parseDockerfile } from './dockerfile.ts';
import { ALLOWED_VARIABLES, EXTRA_VARIABLES, interpolate, unknownVariables } from './environment.ts';
import { asList, findManifest, loadManifests, workloadContainers, type WorkloadContainer } from './manifests.ts';
import { isData, readText, type Data } from './repository.ts';

const manifests = loadManifests();
const configMaps = new Map(manifests.filter((manifest) => manifest.kind === 'ConfigMap').map((manifest) => [manifest.name, manifest]));
const secrets = new Map(manifests.filter((manifest) => manifest.kind === 'Secret').map((manifest) => [manifest.name, manifest]));
const gatewayContainers = workloadContainers(manifests).filter(({ container }) => String(container.image).includes('llm-gateway'));

/** What a container's process sees: envFrom sources in order, then `env` (literal values only). */
function containerEnvironment({ container }: WorkloadContainer): Map<string, string> {
  const environment = new Map<string, string>();
  for (const source of asList(container.envFrom)) {
    const reference = (source.configMapRef ?? source.secretRef) as Data;
    const objects = source.configMapRef ? configMaps : secrets;
    const object = objects.get(String(reference.name))?.object;
    if (!object) {
      expect(reference.optional, `${String(reference.name)} exists or is optional`).toBe(true);
      continue;
    }
    const data = { ...(object.data as Data | undefined), ...(object.stringData as Data | undefined) };
    for (const [name, value] of Object.entries(data)) environment.set(name, String(value));
  }
  for (const variable of asList(container.env)) {
    environment.set(String(variable.name), variable.value === undefined ? `<from ${Object.keys(variable.valueFrom as Data).join()}>` : String(variable.value));
  }
  return environment;
}

/** loadConfig() on the literal values: a bad one stops start-up, so it must not be in a manifest. */
function configProblem(environment: Map<string, string>): string | undefined {
  const literal = Object.fromEntries([...environment].filter(([, value]) => !value.startsWith('<from ')));
  try {
    loadConfig(literal);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('the allowed variables', () => {
  it('are the config schema plus a short, explained list', () => {
    expect(CONFIG_VARIABLES.length).toBeGreaterThan(10);
    for (const name of ['LLM_BACKEND', 'LLM_POOL_SIZE', 'LLM_KEEP_ALIVE_INTERVAL', 'LLM_REQUEST_TIMEOUT', 'ANTHROPIC_API_KEY', 'REDIS_URL']) {
      expect(ALLOWED_VARIABLES.has(name), name).toBe(true);
    }
    expect(unknownVariables(['LLM_POOL_SIZ', 'REDIS_URI', 'LLM_BACKEND'])).toEqual(['LLM_POOL_SIZ', 'REDIS_URI']);
    for (const reason of Object.values(EXTRA_VARIABLES)) expect(reason.length).toBeGreaterThan(10);
  });
});

describe('Kubernetes', () => {
  it('ConfigMaps and Secrets hold only variables the gateway reads', () => {
    for (const manifest of [...configMaps.values(), ...secrets.values()]) {
      const data = { ...(manifest.object.data as Data | undefined), ...(manifest.object.stringData as Data | undefined) };
      expect(unknownVariables(Object.keys(data)), `${manifest.kind}/${manifest.name}`).toEqual([]);
    }
  });

  it('the ConfigMap carries the spec variables', () => {
    const data = findManifest(manifests, 'ConfigMap', 'llm-gateway').object.data as Data;
    expect(Object.keys(data)).toEqual(expect.arrayContaining(['LLM_BACKEND', 'LLM_POOL_SIZE', 'LLM_KEEP_ALIVE_INTERVAL', 'LLM_REQUEST_TIMEOUT', 'REDIS_URL']));
    const secret = findManifest(manifests, 'Secret', 'llm-gateway').object.stringData as Data;
    expect(Object.keys(secret)).toContain('ANTHROPIC_API_KEY');
  });

  it.each(gatewayContainers.map((entry) => [`${entry.workload.name}/${String(entry.container.name)}`, entry] as const))(
    '%s: every variable is known and the configuration loads',
    (_, entry) => {
      const environment = containerEnvironment(entry);
      expect(unknownVariables(environment.keys())).toEqual([]);
      expect(configProblem(environment)).toBeUndefined();
      expect(environment.get('REDIS_URL')).toMatch(/^redis:\/\/llm-gateway-redis:6379$/);
    },
  );
});

describe('docker-compose.yml', () => {
  const services = composeServices(loadCompose());
  const developer = { HOME: '/home/developer' };

  it.each([...services].filter(([, service]) => isData(service.environment)).map(([name, service]) => [name, service] as const))(
    '%s: every variable is known and the configuration loads with the defaults',
    (_, service) => {
      const environment = new Map([...serviceEnvironment(service)].map(([name, value]) => [name, interpolate(value, developer)]));
      expect(unknownVariables(environment.keys())).toEqual([]);
      expect(configProblem(environment)).toBeUndefined();
    },
  );

  it('passes the spec variables through from the developer shell, with the spec defaults', () => {
    const supervisor = serviceEnvironment(services.get('supervisor')!);
    expect(supervisor.get('LLM_BACKEND')).toBe('${LLM_BACKEND:-cli}');
    expect(supervisor.get('LLM_POOL_SIZE')).toBe('${LLM_POOL_SIZE:-2}');
    expect(supervisor.get('LLM_KEEP_ALIVE_INTERVAL')).toBe('${LLM_KEEP_ALIVE_INTERVAL:-300}');
    expect(supervisor.get('LLM_REQUEST_TIMEOUT')).toBe('${LLM_REQUEST_TIMEOUT:-60}');
    expect(supervisor.get('ANTHROPIC_API_KEY')).toBe('${ANTHROPIC_API_KEY:-}');
    expect(interpolate('${LLM_BACKEND:-cli}', { LLM_BACKEND: 'mock' })).toBe('mock');
  });
});

describe('Dockerfile', () => {
  it('sets only known variables', () => {
    const { instructions } = parseDockerfile(readText('Dockerfile'));
    const names = instructions.filter((instruction) => instruction.keyword === 'ENV').flatMap((instruction) => [...environmentOf(instruction.text).keys()]);
    expect(names).toEqual(expect.arrayContaining(['HOME', 'CLAUDE_CONFIG_DIR', 'npm_config_nodedir']));
    expect(unknownVariables(names)).toEqual([]);
  });
});
