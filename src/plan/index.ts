export { lowerToAws, subnetLayout, tigerBeetleAddress, type AwsRequirements, type AwsService, type AwsTigerBeetle } from './aws.js';
export { buildPlan, hasGrants } from './build.js';
export { retentionDays } from './retention.js';
export { DATABASE_MASTER_USER, type AwsAlarm, type AwsGrants, type AwsQueue } from './aws.js';
export type { AlarmMetric } from './alarms.js';
export { envName, pascal } from '../ir/index.js';
export * from './model.js';
export { PRICE_TABLE_DATE, PRICES, pricesFor } from './prices.js';
export { becauseText, costText, planJson, planMarkdown, planText } from './render.js';
