import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { commandWords, environmentOf, healthcheckCommand, parseDockerfile, type DockerInstruction } from './dockerfile.ts';
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
/** A stage and the stages it is built FROM, nearest first. */
const lineage = (stage: string): string[] => {
  const parent = dockerfile.stages.find((candidate) => candidate.name === stage)?.image;
  return dockerfile.stages.some((candidate) => candidate.name === parent) ? [stage, ...lineage(parent!)] : [stage];
};
/** The instruction of a kind a target ends up with (its own, or the nearest inherited one). */
const effective = (stage: string, keyword: string): DockerInstruction | undefined =>
  lineage(stage).map((name) => ofStage(name, keyword).at(-1)).find((instruction) => instruction !== undefined);
const environment = (stage: string) =>
  new Map(lineage(stage).reverse().flatMap((name) => ofStage(name, 'ENV').flatMap((instruction) => [...environmentOf(instruction.text)])));
/** The image targets and the package.json script each stands for. */
const TARGETS = { api: 'start:api', supervisor: 'start:supervisor', runtime: 'start' } as const;
const RUNTIME_STAGES = ['app', 'api', 'supervisor', 'runtime'];

describe('Dockerfile', () => {
  it('has a pinned base, a build stage, a target per role and the all-in-one runtime last', () => {
    expect(dockerfile.stages.map((stage) => stage.name)).toEqual(['base', 'build', 'api-files', 'app', 'api', 'supervisor', 'runtime']);
    expect(dockerfile.stages[0]!.image).toMatch(/^node:20\.\d+\.\d+-bookworm-slim$/);
    expect(dockerfile.stages.slice(1).map((stage) => stage.image)).toEqual(['base', 'build', 'base', 'app', 'app', 'supervisor']);
    // No runtime image is built on top of the build stage: its toolchain stays behind.
    for (const target of RUNTIME_STAGES) expect(lineage(target), target).not.toContain('build');
  });

  it('installs exactly the pnpm of packageManager, in the build stage only', () => {
    expect(root.packageManager).toMatch(/^pnpm@\d+\.\d+\.\d+$/);
    expect(runText('build')).toContain(root.packageManager);
    for (const stage of ['base', ...RUNTIME_STAGES]) expect(runText(stage), stage).not.toMatch(/\b(pnpm|npm|npx|tsx|tsc)\b/);
  });

  it('compiles with `pnpm build`, then installs the production dependencies of the API and what it depends on', () => {
    const build = runText('build');
    expect(root.scripts?.build).toMatch(/^tsc -b /);
    expect(build).toMatch(/pnpm install --offline --frozen-lockfile --ignore-scripts && pnpm build/);
    expect(build).toMatch(/pnpm install --offline --frozen-lockfile --prod --filter '@llm-gateway\/api\.\.\.'/);
  });

  it('builds node-pty against the node image headers, from the lockfile, with the builds allowed', () => {
    const build = runText('build');
    const nodedir = ofStage('build', 'ENV').map((instruction) => environmentOf(instruction.text).get('npm_config_nodedir'));
    // The official node images install Node (and include/node/*.h) under /usr/local.
    expect(nodedir).toContain('/usr/local');
    expect(build).toMatch(/apt-get install .*python3 make g\+\+/);
    expect(build).toMatch(/require\('node-pty'\)/);
    expect(build).toMatch(/claude --version/);
    const workspace = parse(readText('pnpm-workspace.yaml')) as { allowBuilds?: Record<string, boolean> };
    expect(workspace.allowBuilds).toMatchObject({ 'node-pty': true, '@anthropic-ai/claude-code': true });
  });

  it('leaves the CLI and node-pty out of the API image, and checks the API still loads', () => {
    const prune = runText('api-files');
    expect(prune).toContain('node_modules/.pnpm/node-pty@*');
    expect(prune).toContain('node_modules/.pnpm/@anthropic-ai+claude-code*');
    expect(prune).toMatch(/import\('\/app\/packages\/api\/dist\/index\.js'\)/);
    const sources = ofStage('api', 'COPY').map((instruction) => /--from=(\S+)/.exec(instruction.text)?.[1]);
    expect(new Set(sources)).toEqual(new Set(['api-files']));
  });

  it('copies only files that exist and that .dockerignore lets through, and never a local dist/', () => {
    const ignored = readText('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['**/dist', '**/*.tsbuildinfo']));
    const needed = [
      'package.json',
      'pnpm-lock.yaml',
      'pnpm-workspace.yaml',
      'tsconfig.base.json',
      'tsconfig.build.base.json',
      'tsconfig.build.json',
      ...['shared', 'backends', 'supervisor', 'api'].map((name) => `packages/${name}/tsconfig.build.json`),
      'packages/api/src/main.ts',
      'packages/supervisor/src/main.ts',
      'packages/deploy/bin/healthcheck.mjs',
    ];
    for (const file of needed) {
      expect(exists(file), file).toBe(true);
      expect(ignored.filter((pattern) => file === pattern || file.startsWith(`${pattern}/`)), file).toEqual([]);
    }
    for (const copy of dockerfile.instructions.filter((instruction) => instruction.keyword === 'COPY' && !instruction.text.includes('--from'))) {
      const sources = commandWords(copy.text).filter((word) => !word.startsWith('--')).slice(0, -1);
      for (const source of sources) expect(source === '.' || exists(source), source).toBe(true);
    }
  });

  it.each(Object.keys(TARGETS))('%s runs as the non-root node user under tini, without signalling the whole group', (target) => {
    expect(effective(target, 'USER')?.text).toBe('node');
    expect(commandWords(effective(target, 'ENTRYPOINT')!.text)).toEqual(['/usr/bin/tini', '--']);
    expect(runText('base')).toMatch(/apt-get install .*tini/);
  });

  it('puts the claude CLI of packages/backends on the supervisor PATH and gives it a config dir under HOME', () => {
    for (const target of ['supervisor', 'runtime']) {
      const variables = environment(target);
      expect(variables.get('PATH'), target).toMatch(/^\/app\/packages\/backends\/node_modules\/\.bin:/);
      expect(variables.get('HOME'), target).toBe('/home/node');
      expect(variables.get('CLAUDE_CONFIG_DIR'), target).toBe('/home/node/.claude');
    }
    expect(readJson<PackageJson>('packages/backends/package.json').dependencies).toHaveProperty('@anthropic-ai/claude-code');
    expect(environment('api').get('PATH')).toBeUndefined();
  });

  it('has a health check script that exists', () => {
    const command = healthcheckCommand(ofStage('app', 'HEALTHCHECK')[0]!.text);
    expect(exists(command[1]!)).toBe(true);
  });
});

describe('role commands', () => {
  it.each(Object.entries(TARGETS))('the %s target runs node on the compiled entry point, as `pnpm %s` does', (target, scriptName) => {
    const script = root.scripts?.[scriptName];
    expect(script, scriptName).toBeDefined();
    // The script builds when needed, then `exec`s node: pnpm's SIGTERM reaches the gateway itself.
    const match = /--build && ((?:\w+=\S+ )*)exec (node --enable-source-maps --max-semi-space-size=32 (packages\/\w+\/)dist\/(\S+)\.js)$/.exec(script!);
    expect(match, script).not.toBeNull();
    const [, assignments, command, folder, entry] = match!;
    expect(commandWords(effective(target, 'CMD')!.text).join(' ')).toBe(command);
    const source = `${folder}src/${entry}.ts`;
    expect(exists(source), source).toBe(true);
    // `LLM_ROLE=api` of `pnpm start:api` is the api image's environment.
    for (const assignment of assignments!.trim().split(/\s+/).filter((word) => word !== '')) {
      const [name, value] = assignment.split('=');
      expect(environment(target).get(name!), assignment).toBe(value);
    }
    if (target !== 'api') expect(environment(target).has('LLM_ROLE'), target).toBe(false);
  });
});
