export * from './status.js';
export * from './errors.js';
export * from './schema.js';
export * from './check.js';
export * from './result.js';
export * from './facts.js';
export * from './alert.js';
