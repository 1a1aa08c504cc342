export * from './types.js';
export { defaultCatalog } from './default-catalog.js';
