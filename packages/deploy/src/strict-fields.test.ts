import { describe, expect, it } from 'vitest';
import { schemaProblem } from './kubernetes-models.ts';
import { findManifest, loadManifests } from './manifests.ts';
import { type Data } from './repository.ts';
import { unknownFields } from './strict-fields.ts';
import { parseDeclarations } from './declaration-parser.ts';

// The checks of kubernetes-manifests.test.ts pass only if these tools can fail: each is shown
// catching a mistake of the kind it exists for.
const manifests = loadManifests();
const copy = (kind: string, name: string) => structuredClone(findManifest(manifests, kind, name).object) as Data & Record<string, any>;

describe('unknownFields', () => {
  it('finds misspelt fields at every depth of a Deployment', () => {
    const deployment = copy('Deployment', 'llm-gateway');
    const container = deployment.spec.template.spec.containers[0];
    deployment.metadata.lables = {};
    deployment.spec.replica = 2;
    container.resource = container.resources;
    container.readinessProbe.httpGet.paht = '/readyz';
    container.securityContext.capabilities.dorp = ['ALL'];
    expect(unknownFields(deployment).sort()).toEqual([
      'metadata.lables',
      'spec.replica',
      'spec.template.spec.containers[0].readinessProbe.httpGet.paht',
      'spec.template.spec.containers[0].resource',
      'spec.template.spec.containers[0].securityContext.capabilities.dorp',
    ]);
  });

  it('finds them in the CRDs too (KEDA, Prometheus Operator)', () => {
    const scaled = copy('ScaledObject', 'llm-gateway-supervisor');
    scaled.spec.minReplicas = 1;
    const monitor = copy('ServiceMonitor', 'llm-gateway');
    monitor.spec.endpoints[0].paht = '/metrics';
    expect(unknownFields(scaled)).toEqual(['spec.minReplicas']);
    expect(unknownFields(monitor)).toEqual(['spec.endpoints[0].paht']);
  });

  it('accepts free-form maps (labels, ConfigMap data, trigger metadata)', () => {
    const configMap = copy('ConfigMap', 'llm-gateway');
    configMap.data.ANYTHING = 'x';
    configMap.metadata.labels['example.com/any'] = 'x';
    expect(unknownFields(configMap)).toEqual([]);
  });
});

describe('schemaProblem', () => {
  it('reports wrong types, enums and missing required fields', () => {
    const deployment = copy('Deployment', 'llm-gateway');
    deployment.spec.template.spec.containers[0].ports[0].containerPort = '5005';
    expect(schemaProblem(deployment)).toMatch(/containerPort must be integer/);
    const service = copy('Service', 'llm-gateway');
    service.spec.type = 'Balancer';
    expect(schemaProblem(service)).toMatch(/type must be equal to one of the allowed values/);
    const scaled = copy('ScaledObject', 'llm-gateway-supervisor');
    delete scaled.spec.triggers;
    expect(schemaProblem(scaled)).toMatch(/spec must have required property triggers/);
  });

  it('refuses a kind it has no schema for', () => {
    expect(() => schemaProblem({ apiVersion: 'example.com/v1', kind: 'Widget' })).toThrow(/no schema for example.com\/v1 Widget/);
  });
});

describe('parseDeclarations', () => {
  it('reads interfaces, aliases, imports and re-exports, and leaves what it cannot read open', () => {
    const module = parseDeclarations(
      `import { IB as B } from "./b";
       export { X as Y } from "./x";
       /** doc */ export interface IA extends B { "a"?: Array<string>; "m": { [key: string]: number }; }
       export declare type Guard<T> = (value: unknown) => value is T;
       export declare class A { "a"?: string; }`,
      '/virtual/a.d.ts',
    );
    expect([...module.declarations.keys()]).toEqual(['IA', 'Guard']);
    expect(module.declarations.get('Guard')).toEqual({ type: 'open' });
    expect(module.imports.get('B')).toEqual({ name: 'IB', specifier: './b' });
    expect(module.imports.get('Y')).toEqual({ name: 'X', specifier: './x' });
    const ia = module.declarations.get('IA');
    expect(ia?.type === 'object' && [...ia.members.keys()]).toEqual(['a', 'm']);
  });
});
