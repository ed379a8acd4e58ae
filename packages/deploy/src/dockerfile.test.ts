import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { composeServices, loadCompose } from './compose.ts';
import { commandWords, environmentOf, healthcheckCommand, parseDockerfile } from './dockerfile.ts';
import { loadManifests, workloadContainers } from './manifests.ts';
import { exists, readJson, readText } from './repository.ts';

interface PackageJson {
  version: string;
  packageManager?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const dockerfile = parseDockerfile(readText('Dockerfile'));
const root = readJson<PackageJson>('package.json');
const ofStage = (stage: string, keyword: string) =>
  dockerfile.instructions.filter((instruction) => instruction.stage === stage && instruction.keyword === keyword);
const runText = (stage: string) => ofStage(stage, 'RUN').map((instruction) => instruction.text).join('\n');

describe('Dockerfile', () => {
  it('has a pinned base, a build stage and a runtime stage last', () => {
    expect(dockerfile.stages.map((stage) => stage.name)).toEqual(['base', 'build', 'runtime']);
    expect(dockerfile.stages[0]!.image).toMatch(/^node:20\.\d+\.\d+-bookworm-slim$/);
    expect(dockerfile.stages.slice(1).map((stage) => stage.image)).toEqual(['base', 'base']);
  });

  it('installs exactly the pnpm of packageManager and the tsx of the root devDependencies', () => {
    const install = runText('base');
    expect(root.packageManager).toMatch(/^pnpm@\d+\.\d+\.\d+$/);
    expect(install).toContain(root.packageManager);
    expect(install).toContain(`tsx@${root.devDependencies!.tsx}`);
  });

  it('builds node-pty against the node image headers, from the lockfile, with the builds allowed', () => {
    const build = runText('build');
    const nodedir = ofStage('build', 'ENV').map((instruction) => environmentOf(instruction.text).get('npm_config_nodedir'));
    // The official node images install Node (and include/node/*.h) under /usr/local.
    expect(nodedir).toContain('/usr/local');
    expect(build).toMatch(/apt-get install .*python3 make g\+\+/);
    expect(build).toMatch(/pnpm install --offline --frozen-lockfile --prod/);
    expect(build).toMatch(/require\('node-pty'\)/);
    expect(build).toMatch(/claude --version/);
    const workspace = parse(readText('pnpm-workspace.yaml')) as { allowBuilds?: Record<string, boolean> };
    expect(workspace.allowBuilds).toMatchObject({ 'node-pty': true, '@anthropic-ai/claude-code': true });
  });

  it('marks the install done the way scripts/setup.sh checks it, so a start never installs', () => {
    const stamp = /stamp=(\S+)/.exec(readText('scripts/setup.sh'))![1]!;
    expect(runText('build')).toContain(`touch ${stamp}`);
    const runtimeEnvironment = new Map(ofStage('runtime', 'ENV').flatMap((instruction) => [...environmentOf(instruction.text)]));
    expect(runtimeEnvironment.get('pnpm_config_verify_deps_before_run')).toBe('false');
  });

  it('copies only files that exist and that .dockerignore lets through', () => {
    const ignored = readText('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    const needed = ['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', 'scripts/setup.sh', 'packages/api/src/main.ts', 'packages/supervisor/src/main.ts', 'packages/deploy/bin/healthcheck.mjs'];
    for (const file of needed) {
      expect(exists(file), file).toBe(true);
      expect(ignored.filter((pattern) => file === pattern || file.startsWith(`${pattern}/`)), file).toEqual([]);
    }
    for (const copy of dockerfile.instructions.filter((instruction) => instruction.keyword === 'COPY' && !instruction.text.includes('--from'))) {
      const sources = commandWords(copy.text).filter((word) => !word.startsWith('--')).slice(0, -1);
      for (const source of sources) expect(source === '.' || exists(source), source).toBe(true);
    }
  });

  it('runs as the non-root node user under tini, without signalling the whole group', () => {
    const users = ofStage('runtime', 'USER').map((instruction) => instruction.text);
    expect(users.at(-1)).toBe('node');
    const entrypoint = commandWords(ofStage('runtime', 'ENTRYPOINT')[0]!.text);
    expect(entrypoint).toEqual(['/usr/bin/tini', '--']);
    expect(runText('runtime')).toMatch(/apt-get install .*tini/);
  });

  it('puts the claude CLI of packages/backends on the PATH and gives it a config dir under HOME', () => {
    const environment = new Map(ofStage('runtime', 'ENV').flatMap((instruction) => [...environmentOf(instruction.text)]));
    expect(environment.get('PATH')).toMatch(/^\/app\/packages\/backends\/node_modules\/\.bin:/);
    expect(readJson<PackageJson>('packages/backends/package.json').dependencies).toHaveProperty('@anthropic-ai/claude-code');
    expect(environment.get('HOME')).toBe('/home/node');
    expect(environment.get('CLAUDE_CONFIG_DIR')).toBe('/home/node/.claude');
  });

  it('has a health check script that exists', () => {
    const command = healthcheckCommand(ofStage('runtime', 'HEALTHCHECK')[0]!.text);
    expect(exists(command[1]!)).toBe(true);
  });
});

describe('role commands', () => {
  const compose = composeServices(loadCompose());
  const commands: Array<[string, string[]]> = [
    ['Dockerfile CMD', commandWords(ofStage('runtime', 'CMD')[0]!.text)],
    ...[...compose]
      .filter(([, service]) => Array.isArray(service.command) && service.build !== undefined)
      .map(([name, service]): [string, string[]] => [`compose ${name}`, service.command as string[]]),
    ...workloadContainers(loadManifests())
      .filter(({ container }) => String(container.image).includes('llm-gateway'))
      .map(({ workload, container }): [string, string[]] => [`k8s ${workload.name}`, container.args as string[]]),
  ];

  it('cover the three roles', () => {
    expect(commands.map(([, command]) => command.join(' ')).sort()).toEqual(
      ['pnpm start', 'pnpm start:api', 'pnpm start:api', 'pnpm start:supervisor', 'pnpm start:supervisor'].sort(),
    );
  });

  it.each(commands)('%s runs a package.json script that execs node on the build of a file that exists', (_, command) => {
    expect(command[0]).toBe('pnpm');
    const script = root.scripts?.[command[1]!];
    expect(script, command[1]).toBeDefined();
    // `exec` lets SIGTERM from pnpm reach the gateway process (graceful shutdown in a container).
    const entry = /--build && (?:\w+=\S+ )*exec node --enable-source-maps (packages\/\w+\/)dist\/(\S+)\.js$/.exec(script!);
    expect(entry, script).not.toBeNull();
    const source = `${entry![1]}src/${entry![2]}.ts`;
    expect(exists(source), source).toBe(true);
  });
});
