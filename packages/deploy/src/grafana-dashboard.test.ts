import { describe, expect, it } from 'vitest';
import { createMetrics } from '@llm-gateway/shared';
import { readJson } from './repository.ts';

interface Panel {
  id?: number;
  type: string;
  title: string;
  gridPos?: { h: number; w: number; x: number; y: number };
  datasource?: { type: string; uid: string };
  targets?: Array<{ expr: string; refId: string }>;
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string; query?: unknown }> };
}

const dashboard = readJson<Dashboard>('deploy/grafana/llm-gateway.json');
const panels = dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
const queries = [
  ...panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr)),
  ...dashboard.templating.list.flatMap((variable) => (variable.type === 'query' ? [JSON.stringify(variable.query)] : [])),
];

/** What the gateway registers (packages/shared/src/metrics.ts), with each series' labels. */
async function registeredSeries(): Promise<Map<string, Set<string>>> {
  const { registry } = createMetrics();
  const series = new Map<string, Set<string>>();
  for (const metric of await registry.getMetricsAsJSON()) {
    // Label names are declared on the metric objects (the JSON lists only observed values).
    const declared = (registry.getSingleMetric(metric.name) as unknown as { labelNames?: string[] }).labelNames ?? [];
    const labels = new Set([...declared, ...metric.values.flatMap((value) => Object.keys(value.labels))]);
    const names = String(metric.type) === 'histogram' ? ['_bucket', '_sum', '_count'].map((suffix) => metric.name + suffix) : [metric.name];
    for (const name of names) series.set(name, new Set([...labels, ...(name.endsWith('_bucket') ? ['le'] : [])]));
  }
  return series;
}

/** Labels every series has besides its own: the gateway's default label and Prometheus' target labels. */
const COMMON_LABELS = ['role', 'namespace', 'pod', 'job', 'instance', 'service', 'container', 'endpoint'];
/** Metric-like names in a PromQL query: the gateway's and Node's (`llm_`, `process_`, `nodejs_`). */
const METRIC_NAME = /\b(?:llm|process|nodejs)_[a-z0-9_]+\b/g;

describe('deploy/grafana/llm-gateway.json', () => {
  it('is a dashboard with unique panel ids, each panel placed and on the data source variable', () => {
    expect(dashboard.uid).toBe('llm-gateway');
    const ids = panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of panels) {
      expect(panel.gridPos, panel.title).toBeDefined();
      if (panel.type !== 'row') expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
    }
    expect(dashboard.templating.list.map((variable) => variable.name)).toEqual(['datasource', 'namespace']);
  });

  it('queries only metrics the gateway registers', async () => {
    const series = await registeredSeries();
    const used = new Set(queries.flatMap((query) => query.match(METRIC_NAME) ?? []));
    expect(used.size).toBeGreaterThan(5);
    for (const name of used) expect(series.has(name), name).toBe(true);
  });

  it('shows every gateway metric', async () => {
    const series = await registeredSeries();
    const gateway = [...series.keys()].filter((name) => name.startsWith('llm_') && !/_(sum|count)$/.test(name));
    const text = queries.join('\n');
    for (const name of gateway) expect(text, name).toContain(name);
  });

  it('filters and groups only by labels those metrics have', async () => {
    const series = await registeredSeries();
    for (const query of queries) {
      for (const match of query.matchAll(/\b((?:llm|process|nodejs)_[a-z0-9_]+)\{([^}]*)\}/g)) {
        const labels = new Set([...(series.get(match[1]!) ?? []), ...COMMON_LABELS]);
        for (const matcher of match[2]!.matchAll(/(\w+)\s*(?:=~|!~|!=|=)/g)) expect(labels, `${match[1]!} {${matcher[1]!}}`).toContain(matcher[1]);
      }
      const allLabels = new Set([...[...series.values()].flatMap((labels) => [...labels]), ...COMMON_LABELS]);
      for (const grouping of query.matchAll(/\bby \(([^)]*)\)/g)) {
        for (const label of grouping[1]!.split(',').map((item) => item.trim())) expect(allLabels, `by (${label})`).toContain(label);
      }
    }
  });
});
