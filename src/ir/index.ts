export * from './appspec.js';
export { link } from './link.js';
export { envName, pascal } from './names.js';
