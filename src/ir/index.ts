export * from './appspec.js';
export { link } from './link.js';
