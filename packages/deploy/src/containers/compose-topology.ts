import { composeServices, loadCompose } from '../compose.ts';
import { isData } from '../repository.ts';
import { podman } from './podman.ts';

/** One service of docker-compose.yml as `podman run` starts it. */
export interface ServiceRun {
  name: string;
  image: string;
  environment: Record<string, string>;
  command: string[] | undefined;
  /** Container ports the compose file publishes (`ports`), without their host side. */
  publishedPorts: number[];
}

/**
 * `${NAME:-default}` and `${NAME}` the way compose interpolates them, from `variables` (the test's
 * stand-in for the shell and `.env`).
 */
export function interpolate(text: string, variables: Record<string, string | undefined>): string {
  return text.replace(/\$\{(\w+)(?::-([^}]*))?\}/g, (_, name: string, fallback: string | undefined) => {
    const value = variables[name];
    return value !== undefined && value !== '' ? value : (fallback ?? '');
  });
}

/** The services of docker-compose.yml, interpolated; `images` replaces an image (a local stand-in). */
export function composeRuns(variables: Record<string, string | undefined>, images: Record<string, string> = {}): ServiceRun[] {
  return [...composeServices(loadCompose())].map(([name, service]) => {
    const environment: Record<string, string> = {};
    for (const [key, value] of Object.entries(isData(service.environment) ? service.environment : {})) {
      const resolved = interpolate(String(value), variables);
      // An empty value is what compose passes for `${X:-}`: the gateway reads it as unset.
      if (resolved !== '') environment[key] = resolved;
    }
    const ports = Array.isArray(service.ports) ? (service.ports as unknown[]) : [];
    return {
      name,
      image: images[name] ?? String(service.image),
      environment,
      command: Array.isArray(service.command) ? (service.command as string[]) : undefined,
      publishedPorts: ports.map((port) => Number(String(port).split(':').at(-1))),
    };
  });
}

/** The compose topology on one podman network, every service reachable by its name. */
export interface Topology {
  network: string;
  container(service: string): string;
  /** `127.0.0.1:PORT` on the host for a published container port of a service. */
  hostAddress(service: string, containerPort: number): string;
  start(service: string): Promise<void>;
  remove(): Promise<void>;
}

export interface StartTopologyOptions {
  runs: ServiceRun[];
  /** A name for the network and a prefix for the containers. */
  name: string;
  /** Host ports for the published container ports, per service. */
  hostPorts: Record<string, Record<number, number>>;
}

/**
 * Creates the network and the containers (`podman create`: nothing runs until `start`), with the
 * compose file's environment, command and published ports. Volumes are left out: the tests use the
 * mock backend, which needs no CLI login.
 */
export async function createTopology({ runs, name, hostPorts }: StartTopologyOptions): Promise<Topology> {
  await podman('network', 'create', name);
  const container = (service: string) => `${name}-${service}`;
  for (const run of runs) {
    const args = ['create', '--name', container(run.name), '--network', name, '--network-alias', run.name];
    for (const [key, value] of Object.entries(run.environment)) args.push('--env', `${key}=${value}`);
    for (const port of run.publishedPorts) args.push('--publish', `127.0.0.1:${hostPorts[run.name]?.[port] ?? port}:${port}`);
    args.push(run.image, ...(run.command ?? []));
    await podman(...args);
  }
  return {
    network: name,
    container,
    hostAddress: (service, port) => `127.0.0.1:${hostPorts[service]?.[port] ?? port}`,
    start: async (service) => {
      await podman('start', container(service));
    },
    remove: async () => {
      for (const run of runs) await podman('rm', '--force', '--time', '0', container(run.name)).catch(() => '');
      await podman('network', 'rm', '--force', name).catch(() => '');
    },
  };
}

