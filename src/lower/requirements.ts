/**
 * InfraRequirements: what the application needs, cloud-neutral, each need
 * with the DSL constructs and config keys that caused it (so `plan` can say
 * why). Produced by the ordered passes in ./passes from the AppSpec and the
 * resolved configuration; lowered to AWS choices afterwards.
 */
import type { ConfigSource, Environment } from '../config/index.js';
import type { Span } from '../diagnostics/index.js';

/** Why a requirement exists. */
export type Because =
  | { readonly kind: 'dsl'; readonly construct: string; readonly name: string; readonly span: Span }
  | { readonly kind: 'config'; readonly key: string; readonly source: ConfigSource; readonly value?: string };

interface Need {
  /** Stable identity, derived from names (never positions). */
  readonly id: string;
  readonly because: readonly Because[];
}

export interface DatabaseNeed extends Need {
  readonly entities: readonly string[];
}

export interface ObjectStoreNeed extends Need {
  /** The storage binding (`storage=uploads`), or `files` for file fields without one. */
  readonly name: string;
  /** `Entity.field` of every field stored here. */
  readonly fields: readonly string[];
}

export interface LedgerClusterNeed extends Need {
  readonly ledgers: readonly string[];
  readonly currencies: readonly string[];
}

export interface QueueNeed extends Need {
  readonly name: string;
  /** Receives before a message goes to the dead-letter queue. */
  readonly deadLetterAfter: number;
}

export interface EventBusNeed extends Need {
  readonly name: string;
  readonly source: 'stream' | 'topic';
  readonly retention: string | null;
}

export interface EmailNeed extends Need {
  readonly name: string;
  readonly fromAddress: string | null;
}

export interface ScheduleNeed extends Need {
  readonly name: string;
  /** EventBridge Scheduler expression: `cron(…)` or `rate(…)`. */
  readonly expression: string;
  readonly timezone: string | null;
  /** What runs: the worker. */
  readonly target: 'worker';
}

export interface WorkerNeed extends Need {
  /** What the worker processes, e.g. `transaction RecordPayment`, `queue payment_jobs`. */
  readonly handles: readonly string[];
}

export interface CacheNeed extends Need {
  readonly uses: readonly string[];
}

/** A secret a service receives as an environment variable. */
export interface SecretNeed extends Need {
  /** Environment variable name. */
  readonly env: string;
  /** Where the value lives: an existing reference from [deploy.secrets], or a secret to create. */
  readonly from: { readonly kind: 'reference'; readonly ref: string } | { readonly kind: 'create'; readonly description: string };
}

export interface WebServiceNeed extends Need {
  readonly name: string;
  readonly runtime: 'fargate' | 'ec2';
  readonly paths: readonly string[];
}

export interface InfraRequirements {
  readonly app: string;
  readonly environment: Environment;
  readonly database: DatabaseNeed | null;
  readonly objectStores: readonly ObjectStoreNeed[];
  readonly ledgerCluster: LedgerClusterNeed | null;
  readonly queues: readonly QueueNeed[];
  readonly eventBuses: readonly EventBusNeed[];
  readonly emailSenders: readonly EmailNeed[];
  readonly schedules: readonly ScheduleNeed[];
  readonly worker: WorkerNeed | null;
  readonly cache: CacheNeed | null;
  readonly secrets: readonly SecretNeed[];
  readonly webServices: readonly WebServiceNeed[];
}
