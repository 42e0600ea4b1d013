/**
 * Provenance: from a synthesized template's resource (stack + logical ID) back
 * to its construct path and to what caused it — the plan entry it renders, and
 * that entry's "because" (the DSL constructs and dazzle.toml keys, each with
 * its line). One mapping for every stage beside synth that reports on
 * templates (`deploy preflight`, `deploy diff`); it lives with the plan, below
 * both, because it answers the plan's question "why is this here?" for the
 * synthesized resources.
 *
 * The link from a template to the plan is the construct ID contract: the
 * generated app gives each plan entry's constructs IDs that start with the
 * entry's ID (`Replica0`, `Replica0Data`, `Replica0LaunchTemplate`), directly
 * under its stack. Constructs that belong to a stack as a whole carry the plan
 * stack's name (`TigerBeetleSecurityGroup`); anything else falls back to the
 * causes every entry of its stack shares. Nothing here depends on which stack
 * holds a resource: a plan entry is found wherever its constructs are.
 */
import type { ResolvedConfig } from '../config/index.js';
import type { Span } from '../diagnostics/index.js';
import { spanOf, stackName, type Because } from '../lower/index.js';
import type { DeploymentPlan, PlanResource, StackName } from './model.js';

/** One resource of a CloudFormation template (the parts the stages beside synth read). */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly Metadata?: Readonly<Record<string, unknown>>;
  readonly Condition?: string;
}

/** A synthesized CloudFormation template. */
export interface CfnTemplate {
  readonly Resources?: Readonly<Record<string, CfnResource>>;
  readonly Outputs?: Readonly<Record<string, { readonly Value?: unknown; readonly Export?: { readonly Name?: unknown } }>>;
  readonly Parameters?: Readonly<Record<string, { readonly Type?: string; readonly Default?: unknown }>>;
}

/** One stack of a cloud assembly. */
export interface StackTemplate {
  /** The CloudFormation stack name, e.g. `LedgerApp-prod-Data`. */
  readonly stack: string;
  /** Its template file as the user sees it (`infra/cdk.out/LedgerApp-prod-Data.template.json`). */
  readonly file: string;
  readonly template: CfnTemplate;
  /** The size of the template file in bytes (CloudFormation's limit counts these). */
  readonly bytes: number;
}

/** Where one template resource comes from. */
export interface ResourceOrigin {
  /** The CloudFormation stack name. */
  readonly stack: string;
  readonly logicalId: string;
  readonly type: string;
  /** Construct path without a leading slash (`LedgerApp-prod-Data/Database/Resource`); absent when the template has none. */
  readonly path?: string;
  /** The plan stack of its template, when the template is one of the plan's stacks. */
  readonly planStack?: StackName;
  /** The plan entry it renders: its plan stack and construct ID. */
  readonly entry?: { readonly stack: StackName; readonly resource: PlanResource };
  /** Why it exists: the entry's causes, or those its plan stack's entries share. */
  readonly because: readonly Because[];
  /** The first of `because` that has a place: a DSL construct, or the dazzle.toml line of a config key. */
  readonly span?: Span;
  /** That cause's config key, when it is one (`deploy.tigerbeetle.node_count`). */
  readonly keyPath?: string;
}

/** Lookups over the origins of every resource of an app's templates. */
export interface Provenance {
  readonly resources: readonly ResourceOrigin[];
  /** The origin of a resource by stack name and logical ID. */
  of(stack: string, logicalId: string): ResourceOrigin | undefined;
  /**
   * The origin of the resource at a construct path; for the path of a higher-level
   * construct (`Stack/TaskRole`, as cdk-nag reports), the first resource under it.
   */
  atPath(path: string): ResourceOrigin | undefined;
  /** The resources of a plan entry (`Replica0` → its group, volume, interface, role…). */
  ofEntry(id: string): readonly ResourceOrigin[];
}

const causeKey = (b: Because) => (b.kind === 'dsl' ? `dsl:${b.construct}:${b.name}:${b.span.file}:${b.span.line}` : `config:${b.key}`);

/** The causes every resource of a plan stack shares. */
function shared(resources: readonly PlanResource[]): Because[] {
  const [first, ...rest] = resources;
  if (!first) return [];
  return first.because.filter((b) => rest.every((r) => r.because.some((x) => causeKey(x) === causeKey(b))));
}

/** The first cause with a place (none without the configuration, which says where keys are written). */
function located(config: ResolvedConfig | undefined, because: readonly Because[]): { span?: Span; keyPath?: string } {
  if (!config) return {};
  for (const b of because) {
    const { span } = spanOf(config, b);
    if (span) return { span, ...(b.kind === 'config' ? { keyPath: b.key } : {}) };
  }
  return {};
}

/**
 * Build the origins of every resource of `templates`, generated from `plan` with `config`.
 * Without `config` (a baseline whose configuration is not at hand) origins have no `span`.
 */
export function buildProvenance(templates: readonly StackTemplate[], plan: DeploymentPlan, config?: ResolvedConfig): Provenance {
  const stackByName = new Map<string, StackName>(plan.stacks.map((s) => [stackName(plan.app, plan.environment, s.name), s.name]));
  const entries = plan.stacks.flatMap((s) => s.resources.map((resource) => ({ stack: s.name, resource })));
  const planStacks = plan.stacks.map((s) => ({ name: s.name, common: shared(s.resources) }));

  /** The plan entry whose ID starts the construct ID (the longest such; the template's own plan stack first on a tie). */
  const entryFor = (id: string, own: StackName | undefined) => {
    let best: (typeof entries)[number] | undefined;
    for (const e of entries) {
      if (!id.startsWith(e.resource.id)) continue;
      const longer = !best || e.resource.id.length > best.resource.id.length;
      const tieOwn = best && e.resource.id.length === best.resource.id.length && e.stack === own && best.stack !== own;
      if (longer || tieOwn) best = e;
    }
    return best;
  };

  const origins: ResourceOrigin[] = [];
  const byKey = new Map<string, ResourceOrigin>();
  const byPath = new Map<string, ResourceOrigin>();
  const byEntry = new Map<string, ResourceOrigin[]>();
  for (const t of templates) {
    const own = stackByName.get(t.stack);
    for (const [logicalId, r] of Object.entries(t.template.Resources ?? {})) {
      const rawPath = r.Metadata?.['aws:cdk:path'];
      const path = typeof rawPath === 'string' ? rawPath : undefined;
      const first = path?.split('/')[1];
      const entry = first ? entryFor(first, own) : undefined;
      const byStackName = first ? planStacks.filter((s) => first.startsWith(s.name)).sort((a, b) => b.name.length - a.name.length)[0] : undefined;
      const because = entry ? entry.resource.because : byStackName ? byStackName.common : (planStacks.find((s) => s.name === own)?.common ?? []);
      const o: ResourceOrigin = {
        stack: t.stack,
        logicalId,
        type: r.Type,
        ...(path ? { path } : {}),
        ...(own ? { planStack: own } : {}),
        ...(entry ? { entry } : {}),
        because,
        ...located(config, because),
      };
      origins.push(o);
      byKey.set(`${t.stack}\u0000${logicalId}`, o);
      if (path) byPath.set(path, o);
      if (entry) byEntry.set(entry.resource.id, [...(byEntry.get(entry.resource.id) ?? []), o]);
    }
  }
  const sortedPaths = [...byPath.keys()].sort();
  return {
    resources: origins,
    of: (stack, logicalId) => byKey.get(`${stack}\u0000${logicalId}`),
    atPath: (path) => {
      const p = path.replace(/^\//, '');
      const exact = byPath.get(p) ?? byPath.get(`${p}/Resource`);
      if (exact) return exact;
      const under = sortedPaths.find((x) => x.startsWith(`${p}/`));
      return under ? byPath.get(under) : undefined;
    },
    ofEntry: (id) => byEntry.get(id) ?? [],
  };
}
