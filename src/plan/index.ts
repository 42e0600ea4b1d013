export { lowerToAws, subnetLayout, tigerBeetleAddress, type AwsRequirements, type AwsService, type AwsTigerBeetle } from './aws.js';
export { buildPlan } from './build.js';
export { envName, pascal } from '../ir/index.js';
export * from './model.js';
export { PRICE_TABLE_DATE, PRICES, pricesFor } from './prices.js';
export { becauseText, costText, planJson, planMarkdown, planText } from './render.js';
export { buildProvenance, type CfnResource, type CfnTemplate, type Provenance, type ResourceOrigin, type StackTemplate } from './provenance.js';
