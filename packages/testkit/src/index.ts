export * from './fake-anthropic/index.ts';
