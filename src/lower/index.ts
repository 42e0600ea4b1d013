/** Lowering: AppSpec + resolved config → InfraRequirements (then AWS choices and the deployment plan). */
import type { ResolvedConfig } from '../config/index.js';
import { diag, hasErrors, sortDiagnostics, type Diagnostic, type Result } from '../diagnostics/index.js';
import type { AppSpec } from '../ir/index.js';
import { configKey, spanOf, type Draft } from './context.js';
import { PASSES } from './passes/index.js';
import type { InfraRequirements } from './requirements.js';

export type * from './requirements.js';
export { toAwsCron, toAwsRate, type Converted } from './schedule-expression.js';
export { PASSES } from './passes/index.js';
export { causeText, configKey, configValue, spanOf } from './context.js';
export * from './aws-names.js';
export * from './kafka-names.js';
export * from './discovery-names.js';
export { apiRouteKeys } from './api-routes.js';
export { offersResourceType, RESOURCE_REGIONS_SOURCE, UNAVAILABLE_IN, type RegionDependentType } from './resource-regions.js';
export { smallestVpcPrefix, subnetLayout, tigerBeetleAddress, tigerBeetleAddresses, tigerBeetleZone, SUBNET_PREFIX, TIGERBEETLE_CLIENT_PORT, type SubnetLayout } from './passes/network.js';
export { replicaList, sharedZones, tigerBeetleMajority, type SharedZone } from './passes/ledger-cluster.js';
export { generatedVariables, VARIABLE_NAME, type GeneratedVariable } from './passes/variables.js';
export { NODE_GROUP_APP_VARIABLES, NODE_GROUP_DATABASE_VARIABLES, nodeGroupReceives } from './passes/node-groups.js';
export { DATABASE_ENDPOINT, DATABASE_READER_ENDPOINT, databasePasswordReference } from './passes/variables.js';
export { noFromAddress } from './passes/not-generated.js';
export { nameProblem, NAME_RULES, plannedConstructs, plannedNames, type NameKind, type PlannedConstruct, type PlannedName } from './passes/names.js';

/** `[deploy] enabled = false`: the app is not to be deployed, so there is nothing to plan or generate. */
function refusal(config: ResolvedConfig): Diagnostic | undefined {
  if (config.deploy.enabled) return undefined;
  const because = configKey(config, 'enabled');
  const source = config.sources.enabled;
  const table = source?.kind === 'file' ? source.table : '[deploy]';
  return diag('DZ5006', `${table} enabled = false: this app is not deployed, so there is nothing to plan or generate`, {
    ...spanOf(config, because),
    keyPath: 'deploy.enabled',
    hint: 'remove enabled = false (or set it to true) to plan and generate the deployment',
  });
}

export function lowerToRequirements(spec: AppSpec, config: ResolvedConfig): Result<InfraRequirements | undefined> {
  const refused = refusal(config);
  if (refused) return { value: undefined, diagnostics: [refused] };
  const draft: Draft = {
    app: spec.app.name,
    environment: config.deploy.environment,
    database: null,
    objectStores: [],
    ledgerCluster: null,
    queues: [],
    eventBuses: [],
    emailSenders: [],
    schedules: [],
    worker: null,
    cache: null,
    secrets: [],
    webServices: [],
  };
  const diagnostics: Diagnostic[] = [];
  for (const [, pass] of PASSES) pass({ spec, config, draft, report: (d) => diagnostics.push(d) });
  const sorted = sortDiagnostics(diagnostics);
  return { value: hasErrors(sorted) ? undefined : (draft as InfraRequirements), diagnostics: sorted };
}
