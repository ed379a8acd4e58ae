export { createApp, type CreateAppOptions } from './app.ts';
export type { AppDependencies, GatewayEnv, LifecycleState } from './app-context.ts';
export { createGateway, type CreateGatewayOptions, type Gateway } from './gateway.ts';
export { createModelCatalog, type ModelCatalog, type ModelEntry } from './models/model-catalog.ts';
export { shutDownGracefully, type GracefulShutdownOptions } from './shutdown.ts';
