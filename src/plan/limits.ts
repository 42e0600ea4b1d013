/**
 * The limits AWS puts on what a stack may hold, known at plan time: every stack's resources,
 * outputs, parameters and (estimated) template size; every task role's managed policies and
 * inline policy size; the security groups' rules; the task definitions' size. The plan records
 * each as used/limit (`PlanStack.usage`), and `checkLimits` turns one at 80% of its limit into a
 * warning and one at 100% into an error, at the DSL constructs or `dazzle.toml` keys that drive
 * it, so nothing CloudFormation, IAM, EC2 or ECS would refuse is first found at deploy.
 */
import type { ResolvedConfig } from '../config/index.js';
import { diag, type Diagnostic, type DiagnosticCode, type RelatedLocation, type Span } from '../diagnostics/index.js';
import { envName } from '../ir/index.js';
import { causeText, configKey, partitionOf, spanOf, type Because } from '../lower/index.js';
import { DATABASE_MASTER_USER, type AwsRequirements } from './aws.js';
import type { DeploymentPlan, EnvironmentFilePlan, PlanResource, PlanService, PlanStack, RoleUsage, SecurityGroupUsage, StackName, StackUsage, Usage } from './model.js';
import { OUTPUT_BYTES, PARAMETER_BYTES, TEMPLATE_BASE_BYTES } from './size.js';

/** AWS's limits (default quotas; CloudFormation's, IAM's, EC2's and ECS's documented values). */
export const LIMITS = {
  /** Resources in one CloudFormation template. */
  resources: 500,
  outputs: 200,
  parameters: 200,
  /** A template uploaded to S3 (which `cdk deploy` does for every template over 50 KB). */
  templateBytes: 1_000_000,
  managedPoliciesPerRole: 10,
  /** IAM: the inline policies of one role, in characters without whitespace. */
  rolePolicyChars: 10_240,
  /** IAM: one managed policy, in characters without whitespace. */
  managedPolicyChars: 6_144,
  /** EC2: rules of one security group, each direction. */
  securityGroupRules: 60,
  /** ECS: a registered task definition. */
  taskDefinitionBytes: 65_536,
} as const;

/** A usage at or above this share of its limit is a warning. */
export const WARN_AT = 0.8;

const usage = (used: number, limit: number): Usage => ({ used, limit });

/** A template parameter per SSM parameter read, and the bootstrap version every stack checks. */
const OWN_PARAMETERS = 1;

/** The plan resources that make a stack output (the app's address, the API's, a node group's, the front end's). */
const OUTPUTS: Readonly<Record<string, number>> = { LoadBalancer: 1, Api: 1, FrontendDistribution: 1 };

/**
 * What the Nodes stack has besides its resources' outputs and its reads: an output per seed node
 * and peer port (the Session Manager port-forwarding command). Its image is pinned or read by a
 * custom resource, so no template parameter resolves it.
 */
function nodesExtras(name: StackName, a: AwsRequirements): { readonly outputs: number; readonly parameters: number } {
  if (name !== 'Nodes') return { outputs: 0, parameters: 0 };
  return { outputs: a.nodeGroups.reduce((n, g) => n + g.nodes.filter((x) => x.seed).length * g.peerPorts.length, 0), parameters: 0 };
}

/** Registered bytes of a task definition besides its variables: family, roles, image, logs, port, sizes. */
const TASK_DEFINITION_BASE = 1_500;
/** A variable in the registered JSON: `{"name":"…","value":"…"}`. */
const VARIABLE_OVERHEAD = 22;
/** A secret in the registered JSON: `{"name":"…","valueFrom":"…"}` with an ARN of about this length. */
const SECRET_BYTES = 26 + 110;
/** A database endpoint as deployed (`<identifier>.cluster-<id>.<region>.rds.amazonaws.com`). */
const ENDPOINT_CHARS = 100;

const lengthsOf = new WeakMap<AwsRequirements, Map<string, number>>();

/** The length each generated variable has once deployed (the plan shows `(Messaging stack: … queue URL)` for what only exists then). */
function deployedLengths(a: AwsRequirements): Map<string, number> {
  const known = lengthsOf.get(a);
  if (known) return known;
  const out = new Map<string, number>();
  lengthsOf.set(a, out);
  const suffix = partitionOf(a.region) === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  const queueUrl = (name: string) => `https://sqs.${a.region}.${suffix}/123456789012/${name}`.length;
  for (const q of a.queues) out.set(`QUEUE_${envName(q.name)}_URL`, queueUrl(q.queueName));
  if (a.scheduleQueue) out.set('SCHEDULE_QUEUE_URL', queueUrl(a.scheduleQueue.queueName));
  for (const b of a.buckets) out.set(`BUCKET_${envName(b.name)}`, b.namePrefix.length + 9);
  for (const b of a.buses) out.set(`EVENT_BUS_${envName(b.name)}`, b.busName.length);
  out.set('DATABASE_HOST', ENDPOINT_CHARS);
  out.set('DATABASE_READER_HOST', ENDPOINT_CHARS);
  if (a.database) out.set('DATABASE_URL', `postgresql://${DATABASE_MASTER_USER}@:5432/${a.database.databaseName}?sslmode=require`.length + ENDPOINT_CHARS);
  out.set('REDIS_URL', 'rediss://:6379'.length + ENDPOINT_CHARS);
  return out;
}

/**
 * Past this estimated size a task definition's per-resource variables move to an environment file:
 * half of ECS's limit, well below DZ5096's warning at 80%, so a project that grows by a few queues
 * after the move stays far from the limit.
 */
export const ENVIRONMENT_FILE_AT = LIMITS.taskDefinitionBytes / 2;

/**
 * A variable that names one of the app's resources (a queue's URL, a bucket's or a bus's name): one
 * per queue channel, storage binding, stream or event topic, so they are what grows a task
 * definition. Past `ENVIRONMENT_FILE_AT` they are the ones an environment file carries; the
 * connection variables (database, cache, ledger, Kafka) and every secret stay in the task definition.
 */
export const RESOURCE_VARIABLE = /^(?:QUEUE_[A-Z0-9_]+_URL|BUCKET_[A-Z0-9_]+|EVENT_BUS_[A-Z0-9_]+)$/;

/** An environment file in the registered JSON: `{"value":"arn:aws:s3:::<bucket>/environment/<digest>.env","type":"s3"}`. */
const ENVIRONMENT_FILE_ENTRY = 150;

/** The registered size of a service's task definition, estimated (only what stays inline counts: the file's variables do not). */
export function taskDefinitionBytes(service: PlanService, lengths: ReadonlyMap<string, number>): number {
  const file = new Set(service.environmentFile?.variables ?? []);
  let n = TASK_DEFINITION_BASE + (file.size ? ENVIRONMENT_FILE_ENTRY : 0);
  for (const v of service.variables) {
    if (file.has(v.name)) continue;
    n += v.kind === 'value' ? VARIABLE_OVERHEAD + v.name.length + (lengths.get(v.name) ?? v.value.length) : SECRET_BYTES + v.name.length;
  }
  return n;
}

/**
 * Whether a Fargate service receives its per-resource variables from an environment file: when, all
 * inline, its task definition would pass `ENVIRONMENT_FILE_AT`. `generated`: the names dazzle
 * generates (a configured variable never moves).
 */
export function environmentFileOf(service: PlanService, generated: ReadonlySet<string>, a: AwsRequirements): EnvironmentFilePlan | undefined {
  const inlineBytes = taskDefinitionBytes(service, deployedLengths(a));
  if (inlineBytes <= ENVIRONMENT_FILE_AT) return undefined;
  const variables = service.variables.filter((v) => v.kind === 'value' && generated.has(v.name) && RESOURCE_VARIABLE.test(v.name)).map((v) => v.name);
  return variables.length ? { variables, inlineBytes, threshold: ENVIRONMENT_FILE_AT } : undefined;
}

/** The Network stack's security groups and their rules (one rule per web service port between the load balancer and the services). */
function securityGroups(a: AwsRequirements): SecurityGroupUsage[] {
  const ports = new Set(a.services.filter((s) => s.role === 'web').map((s) => s.settings.port)).size;
  const sg = (id: string, inbound: number, outbound: number): SecurityGroupUsage => ({ id, inbound: usage(inbound, LIMITS.securityGroupRules), outbound: usage(outbound, LIMITS.securityGroupRules) });
  return [
    sg('LoadBalancerSecurityGroup', a.loadBalancer.https ? 2 : 1, ports),
    sg('ServiceSecurityGroup', ports, 1),
    ...(a.tigerbeetle ? [sg('TigerBeetleSecurityGroup', 2, 1)] : []),
    ...(a.database ? [sg('DatabaseSecurityGroup', 1, 1)] : []),
    ...(a.cache ? [sg('CacheSecurityGroup', 1, 1)] : []),
  ];
}

/** What a stack uses of the limits, from its resources, its reads and the services it runs. */
export function stackUsage(name: StackName, resources: readonly PlanResource[], reads: readonly string[], a: AwsRequirements, services: readonly PlanService[]): StackUsage {
  const count = resources.reduce((n, r) => n + Object.values(r.cloudformation).reduce((m, x) => m + x, 0), 0);
  const extras = nodesExtras(name, a);
  const outputs = resources.reduce((n, r) => n + (OUTPUTS[r.id] ?? 0), 0) + extras.outputs;
  const bytes = TEMPLATE_BASE_BYTES + (reads.length + extras.parameters) * PARAMETER_BYTES + outputs * OUTPUT_BYTES + resources.reduce((n, r) => n + r.templateBytes, 0);
  const mine = a.services.filter((s) => s.stack === name && s.runtime === 'fargate');
  const roles: RoleUsage[] = mine.map((s) => ({ id: s.taskRoleId, managedPolicies: usage(s.policy.overflowPolicies, LIMITS.managedPoliciesPerRole), inlinePolicyChars: usage(s.policy.chars, LIMITS.rolePolicyChars), managedPolicyChars: usage(s.policy.overflowChars, LIMITS.managedPolicyChars) }));
  const lengths = deployedLengths(a);
  const taskDefinitions = mine.map((s) => {
    const p = services.find((x) => x.name === s.name && (s.role === 'worker') === (x.role === 'worker'));
    return { id: `${s.id}Task`, bytes: usage(p ? taskDefinitionBytes(p, lengths) : TASK_DEFINITION_BASE, LIMITS.taskDefinitionBytes) };
  });
  return {
    resources: usage(count, LIMITS.resources),
    outputs: usage(outputs, LIMITS.outputs),
    parameters: usage(reads.length + OWN_PARAMETERS + extras.parameters, LIMITS.parameters),
    templateBytes: usage(bytes, LIMITS.templateBytes),
    roles,
    securityGroups: name === 'Network' ? securityGroups(a) : [],
    taskDefinitions,
  };
}

// ---------------------------------------------------------------------------------------------
// The check

/**
 * What drives a count: the stack's resources grouped by the kind of cause of each (a DSL construct
 * kind, or a dazzle.toml key with the service's name left out), each group with how many causes it
 * has and how much of the count they make, largest first.
 */
function drivers(resources: readonly PlanResource[], weigh: (r: PlanResource) => number): { readonly what: string; readonly weight: number; readonly causes: number; readonly because: Because | undefined }[] {
  const groups = new Map<string, { what: string; weight: number; names: Set<string>; because: Because | undefined }>();
  for (const r of resources) {
    const w = weigh(r);
    if (!w) continue;
    const b = r.because[0];
    const what = b ? (b.kind === 'dsl' ? b.construct : b.key.replace(/^deploy\.services\.[^.]+\./, 'deploy.services.<name>.')) : r.title;
    const g = groups.get(what) ?? { what, weight: 0, names: new Set<string>(), because: b };
    g.weight += w;
    g.names.add(b ? (b.kind === 'dsl' ? b.name : b.key) : r.id);
    groups.set(what, g);
  }
  return [...groups.values()].map((g) => ({ what: g.what, weight: g.weight, causes: g.names.size, because: g.because })).sort((x, y) => y.weight - x.weight || (x.what < y.what ? -1 : 1));
}

const pct = (u: Usage) => Math.round((100 * u.used) / u.limit);
/** `12,345` (without Intl: a plan checks thousands of numbers, and its text is the same in every locale). */
export const num = (n: number) => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** Warning at 80%, error at 100%: the code, or undefined below both. */
function level(u: Usage, warn: DiagnosticCode, error: DiagnosticCode): DiagnosticCode | undefined {
  return u.used > u.limit ? error : u.used >= WARN_AT * u.limit ? warn : undefined;
}

/** Where a diagnostic goes, and its related locations: the first causes that have a place. */
function located(config: ResolvedConfig, causes: readonly (Because | undefined)[]): { span?: Span; related: RelatedLocation[]; keyPath?: string } {
  const placed = causes.filter((b): b is Because => b !== undefined).map((b) => ({ b, at: spanOf(config, b) }));
  const first = placed.find((p) => p.at.span) ?? placed[0];
  const related = placed.filter((p) => p !== first && p.at.span).slice(0, 3).map((p) => ({ message: `${causeText(p.b)} adds to it`, span: p.at.span as NonNullable<typeof p.at.span> }));
  return { ...(first?.at.span ? { span: first.at.span } : {}), related, ...(first && first.b.kind === 'config' && !first.at.span ? { keyPath: first.b.key } : {}) };
}

function stackChecks(stack: PlanStack, config: ResolvedConfig): Diagnostic[] {
  const out: Diagnostic[] = [];
  const u = stack.usage;
  const cfnCount = (r: PlanResource) => Object.values(r.cloudformation).reduce((m, x) => m + x, 0);
  const checks: [string, Usage, (r: PlanResource) => number, string][] = [
    ['resources', u.resources, cfnCount, 'resources'],
    ['outputs', u.outputs, (r) => OUTPUTS[r.id] ?? 0, 'outputs'],
    ['template size', u.templateBytes, (r) => r.templateBytes, 'bytes'],
  ];
  for (const [what, use, weigh, unit] of checks) {
    const code = level(use, 'DZ5090', 'DZ5091');
    if (!code) continue;
    const top = drivers(stack.resources, weigh).slice(0, 3);
    const driven = top.map((g) => `${num(g.weight)} ${unit} for ${g.causes} ${g.what}`).join(', ');
    out.push(
      diag(code, `stack ${stack.name} would have ${what === 'template size' ? `a template of about ${num(use.used)} bytes` : `${num(use.used)} ${what}`}, ${pct(use)}% of CloudFormation's limit of ${num(use.limit)}${what === 'template size' ? ' bytes' : ''} per stack; most of it: ${driven}`, {
        ...located(config, top.map((g) => g.because)),
        hint:
          code === 'DZ5091'
            ? 'CloudFormation would refuse this stack: remove what it does not need, or split the construct that drives it (a service with fewer variables, fewer alarms); queues, schedules, buses, email identities, buckets and web services move to further stacks on their own'
            : 'nothing to do yet: near the limit, further queues, schedules, buckets and web services go to a further stack; what else drives it is named here',
      }),
    );
  }
  const pcode = level(u.parameters, 'DZ5090', 'DZ5091');
  if (pcode) {
    out.push(
      diag(pcode, `stack ${stack.name} would read ${u.parameters.used - OWN_PARAMETERS} SSM parameters when it deploys (a template parameter each), ${pct(u.parameters)}% of CloudFormation's limit of ${u.parameters.limit} parameters per stack`, {
        ...located(config, stack.resources.slice(0, 1).flatMap((r) => r.because.slice(0, 1))),
        hint: 'the stacks it reads from publish one parameter per value; fewer Data stacks with buckets means fewer creation ids to read',
      }),
    );
  }
  return out;
}

function roleChecks(stack: PlanStack, config: ResolvedConfig, plan: DeploymentPlan, all: readonly PlanResource[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const role of stack.usage.roles) {
    if (![role.managedPolicies, role.managedPolicyChars, role.inlinePolicyChars].some((u) => u.used >= WARN_AT * u.limit)) continue;
    const service = plan.aws.services.find((s) => s.taskRoleId === role.id);
    const who = service ? (service.role === 'worker' ? 'the worker' : `service ${service.name}`) : role.id;
    // The statements that list resources one by one drive the size: email identities, the TigerBeetle parameters.
    const listed = service ? service.policy.statements.filter((s) => s.resources.length > 1).sort((x, y) => y.resources.length - x.resources.length) : [];
    const causes = all.filter((r) => listed.some((l) => (l.kind === 'email' && r.type === 'AWS::SES::EmailIdentity') || ((l.kind === 'send' || l.kind === 'consume') && r.type === 'AWS::SQS::Queue')));
    const where = located(config, causes.slice(0, 4).map((r) => r.because[0]));
    const what = listed.map((l) => `${l.resources.length} ${l.kind === 'email' ? 'email identities' : l.kind === 'parameters' ? 'parameters' : l.kind}`).join(', ');
    const mcode = level(role.managedPolicies, 'DZ5092', 'DZ5093');
    if (mcode) {
      out.push(
        diag(mcode, `the task role of ${who} would carry ${role.managedPolicies.used} managed policies, ${pct(role.managedPolicies)}% of IAM's limit of ${role.managedPolicies.limit} per role: aws-cdk-lib moves statements past 10,000 characters into managed policies${what ? `, and the role lists ${what}` : ''}`, {
          ...where,
          hint: 'fewer resources named one by one (email channels) keep the policy inline; queues, buckets and buses are named by prefix on their own',
        }),
      );
    }
    const pcode = level(role.managedPolicyChars, 'DZ5092', 'DZ5093');
    if (pcode) {
      out.push(
        diag(pcode, `the task role of ${who} would have a managed policy of ${num(role.managedPolicyChars.used)} characters, ${pct(role.managedPolicyChars)}% of IAM's limit of ${num(role.managedPolicyChars.limit)} per managed policy: aws-cdk-lib moves statements past 10,000 characters into managed policies without splitting one${what ? `, and the role lists ${what}` : ''}`, {
          ...where,
          hint: 'fewer resources named one by one (email channels) keep the policy within the limit; queues, buckets and buses are named by prefix on their own',
        }),
      );
    }
    const icode = level(role.inlinePolicyChars, 'DZ5092', 'DZ5093');
    if (icode) {
      out.push(
        diag(icode, `the task role of ${who} would have ${num(role.inlinePolicyChars.used)} characters of inline policy, ${pct(role.inlinePolicyChars)}% of IAM's limit of ${num(role.inlinePolicyChars.limit)} per role${what ? `: it lists ${what}` : ''}`, {
          ...where,
          hint: 'fewer resources named one by one (email channels) shorten the policy; queues, buckets and buses are named by prefix on their own',
        }),
      );
    }
  }
  return out;
}

function securityGroupChecks(stack: PlanStack, config: ResolvedConfig, plan: DeploymentPlan): Diagnostic[] {
  const out: Diagnostic[] = [];
  const ports = plan.aws.services.filter((s) => s.role === 'web');
  for (const g of stack.usage.securityGroups) {
    for (const [direction, use] of [
      ['inbound', g.inbound],
      ['outbound', g.outbound],
    ] as const) {
      const code = level(use, 'DZ5094', 'DZ5095');
      if (!code) continue;
      const causes = ports.map((s): Because => ({ kind: 'config', key: `deploy.services.${s.name}.port`, source: config.sources[`services.${s.name}.port`] ?? config.sources[`services.${s.name}.runtime`] ?? { kind: 'default' } }));
      out.push(
        diag(code, `security group ${g.id} would have ${use.used} ${direction} rules, ${pct(use)}% of EC2's limit of ${use.limit}: one rule per port the web services listen on (${ports.length} services)`, {
          ...located(config, causes.slice(0, 4)),
          hint: 'let web services share a port ([deploy.services.<name>] port): the load balancer routes by path, not by port',
        }),
      );
    }
  }
  return out;
}

/** How many of the variables are queue URLs, bucket names, bus names and other variables, the most numerous first. */
export function variableKinds(names: readonly string[]): [string, number][] {
  const kinds = new Map<string, number>();
  for (const name of names) {
    const k = /^QUEUE_.*_URL$/.test(name) ? 'queue URLs' : name.startsWith('BUCKET_') ? 'bucket names' : name.startsWith('EVENT_BUS_') ? 'bus names' : 'other variables';
    kinds.set(k, (kinds.get(k) ?? 0) + 1);
  }
  return [...kinds].sort((x, y) => y[1] - x[1]);
}

/**
 * Task definitions near or past ECS's limit. Services that receive the same variables would all be
 * reported alike: one diagnostic per code and size names them together.
 */
function taskDefinitionChecks(config: ResolvedConfig, plan: DeploymentPlan, all: readonly PlanResource[]): Diagnostic[] {
  const groups = new Map<string, { code: DiagnosticCode; bytes: Usage; who: string[]; service: string | undefined; variables: readonly PlanService['variables'][number][]; inFile: number }>();
  for (const stack of plan.stacks) {
    for (const t of stack.usage.taskDefinitions) {
      const code = level(t.bytes, 'DZ5096', 'DZ5097');
      if (!code) continue;
      const service = plan.aws.services.find((s) => `${s.id}Task` === t.id);
      const p = plan.services.find((s) => s.name === service?.name && (s.role === 'worker') === (service?.role === 'worker'));
      // Services whose task definitions differ by a few bytes (web and worker set DAZZLE_PROCESS) are one report.
      const key = `${code} ${Math.round(t.bytes.used / 1000)}`;
      // What stays inline: an environment file's variables are not in the task definition.
      const file = new Set(p?.environmentFile?.variables ?? []);
      const g = groups.get(key) ?? { code, bytes: t.bytes, who: [], service: p?.name, variables: (p?.variables ?? []).filter((v) => !file.has(v.name)), inFile: file.size };
      if (t.bytes.used > g.bytes.used) g.bytes = t.bytes;
      g.who.push(service ? (service.role === 'worker' ? 'the worker' : `service ${service.name}`) : t.id);
      groups.set(key, g);
    }
  }
  const out: Diagnostic[] = [];
  for (const { code, bytes, who, service, variables, inFile } of groups.values()) {
    const ranked = variableKinds(variables.map((v) => v.name));
    const what = ranked.map(([k, n]) => `${n} ${k}`).join(', ');
    // Located at the constructs behind the most numerous variables: queue channels, storage bindings, or streams and topics.
    const top = ranked[0]?.[0];
    const prefix = top === 'queue URLs' ? 'Queue' : top === 'bucket names' ? 'Bucket' : top === 'bus names' ? 'Bus' : undefined;
    const type = top === 'queue URLs' ? 'AWS::SQS::Queue' : top === 'bucket names' ? 'AWS::S3::Bucket' : undefined;
    const resources = prefix ? all.filter((r) => r.id.startsWith(prefix) && (type === undefined || r.type === type) && r.type !== 'AWS::CloudWatch::Alarm') : [];
    // Otherwise at the variables dazzle.toml sets ([deploy.compute.env], the service's env), the rest of what stays inline.
    const own = service !== undefined ? config.deploy.services[service]?.env : undefined;
    const configured = prefix ? [] : variables.flatMap((v) => (own && v.name in own && config.sources[`services.${service}.env.${v.name}`] ? [configKey(config, `services.${service}.env.${v.name}`)] : v.name in config.deploy.compute.env ? [configKey(config, `compute.env.${v.name}`)] : []));
    const whom = who.length === 1 ? `the task definition of ${who[0]}` : `the task definitions of ${who.length} services (${who.slice(0, 4).join(', ')}${who.length > 4 ? ', …' : ''})`;
    out.push(
      diag(code, `${whom} would be about ${num(bytes.used)} bytes${who.length === 1 ? '' : ' each'}, ${pct(bytes)}% of ECS's limit of ${num(bytes.limit)}: a container receives ${what}${inFile ? ` inline, and ${inFile} from its environment file` : ''}`, {
        ...located(config, [...resources.slice(0, 4).map((r) => r.because[0]), ...configured.slice(0, 4)]),
        // A configured value is shown in no code frame: it may be what the app treats as sensitive.
        ...(configured.length ? { sensitive: true } : {}),
        hint: inFile
          ? "queue URLs, bucket and bus names are already in an environment file; what stays in the task definition (the variables dazzle.toml sets, email senders, secrets) passes ECS's 64 KiB: fewer or shorter ones keep it within the limit"
          : "every queue channel, storage binding, stream channel and event topic gives each service a variable (past half of ECS's 64 KiB they move to an environment file on their own); what stays in the task definition (the variables dazzle.toml sets, email senders, secrets) must fit: fewer or shorter ones keep it within the limit",
      }),
    );
  }
  return out;
}

/** The plan's limits, checked: a warning at 80% of a limit, an error past it, at what drives it. */
export function checkLimits(plan: DeploymentPlan, config: ResolvedConfig): Diagnostic[] {
  const all = plan.stacks.flatMap((s) => s.resources);
  return [...plan.stacks.flatMap((s) => [...stackChecks(s, config), ...roleChecks(s, config, plan, all), ...securityGroupChecks(s, config, plan)]), ...taskDefinitionChecks(config, plan, all)];
}
