import type { Context } from 'hono';
import type { AppDependencies, GatewayEnv } from '../app-context.ts';
import { modelNotFoundError, type ModelEntry } from '../models/model-catalog.ts';

// Fixed, so the list is the same on every replica and every call.
const CREATED = 1_704_067_200;

function modelObject(entry: ModelEntry) {
  return { id: entry.id, object: 'model', created: CREATED, owned_by: entry.ownedBy };
}

/** `GET /v1/models`: the models the configured backends serve. */
export function listModels(deps: AppDependencies) {
  return (c: Context<GatewayEnv>) => c.json({ object: 'list', data: deps.catalog.list().map(modelObject) });
}

/** `GET /v1/models/:model`. */
export function retrieveModel(deps: AppDependencies) {
  return (c: Context<GatewayEnv>) => {
    const id = c.req.param('model') ?? '';
    const entry = deps.catalog.list().find((model) => model.id === id);
    if (!entry) throw modelNotFoundError(id);
    return c.json(modelObject(entry));
  };
}
