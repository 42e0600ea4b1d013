/** Lowering: AppSpec + resolved config → InfraRequirements (then AWS choices and the deployment plan). */
import type { ResolvedConfig } from '../config/index.js';
import { hasErrors, sortDiagnostics, type Diagnostic, type Result } from '../diagnostics/index.js';
import type { AppSpec } from '../ir/index.js';
import type { Draft } from './context.js';
import { PASSES } from './passes/index.js';
import type { InfraRequirements } from './requirements.js';

export type * from './requirements.js';
export { toAwsCron, toAwsRate, type Converted } from './schedule-expression.js';
export { PASSES } from './passes/index.js';
export { configKey, configValue, spanOf } from './context.js';
export { parseCidr, smallestVpcPrefix, subnetLayout, tigerBeetleAddress, tigerBeetleAddresses, SUBNET_PREFIX, TIGERBEETLE_CLIENT_PORT, type SubnetLayout } from './passes/network.js';

export function lowerToRequirements(spec: AppSpec, config: ResolvedConfig): Result<InfraRequirements | undefined> {
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
