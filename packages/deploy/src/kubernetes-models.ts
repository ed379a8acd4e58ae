import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** A model class of the `kubernetes-models` family: `validate()` throws on a schema violation. */
interface ModelClass {
  new (data: unknown): { validate(): void };
}

/**
 * Where the model of an API group lives. Core and built-in groups come from `kubernetes-models`;
 * the CRDs this project uses (KEDA, Prometheus Operator) from their `@kubernetes-models/*`
 * packages, whose schemas are generated from the CRDs' OpenAPI schemas.
 */
const PACKAGE_BY_GROUP: Record<string, string> = {
  'keda.sh': '@kubernetes-models/keda',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
};

/** The module specifier of a kind's model, e.g. `kubernetes-models/apps/v1/Deployment`. */
export function modelModule(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const packageName = PACKAGE_BY_GROUP[group!] ?? 'kubernetes-models';
  return group === '' ? `${packageName}/${version}/${kind}` : `${packageName}/${group}/${version}/${kind}`;
}

/**
 * The files of a kind's model: the CommonJS module (loaded with `require`, which resolves the
 * package's extensionless deep imports) and its type declarations, read by `strict-fields.ts`.
 * @throws when no model exists for this apiVersion and kind.
 */
export function modelFiles(apiVersion: string, kind: string): { module: string; declarations: string } {
  const specifier = modelModule(apiVersion, kind);
  let module: string;
  try {
    module = require.resolve(specifier);
  } catch {
    throw new Error(`no schema for ${apiVersion} ${kind} (looked for ${specifier})`);
  }
  return { module, declarations: module.replace(/\.js$/, '.d.ts') };
}

/**
 * Validates an object against its Kubernetes (or CRD) OpenAPI schema: types, enums, formats and
 * required fields. Unknown fields are not reported by these schemas; `strict-fields.ts` does that.
 * @returns the problem, or undefined when the object is valid.
 */
export function schemaProblem(object: Record<string, unknown>): string | undefined {
  const kind = String(object.kind);
  const { module } = modelFiles(String(object.apiVersion), kind);
  const exports = require(module) as Record<string, ModelClass>;
  const Model = exports[kind];
  if (!Model) throw new Error(`${module} does not export ${kind}`);
  try {
    new Model(object).validate();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
