/**
 * The plan's numbers against the synthesized templates: what `plan` knows before synth (resources
 * per type, outputs, parameters, the template's size, the task roles' policies, the security
 * groups' rules, the task definitions' size) must be what the templates hold, and every template
 * must be within AWS's limits. The acceptance test runs this on every project and environment;
 * the scale test on a 300-queue project.
 */
import { LIMITS, stackFamily, type DeploymentPlan, type StackName } from '../../src/plan/index.js';
import { evaluate, type Json, type Place } from './cfn.js';

type Resource = { Type: string; Properties?: Json; Metadata?: Json };

/** CloudFormation resources per stack and type, as the plan lists them (summed over each resource's expansion). */
export function planCounts(plan: DeploymentPlan): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const s of plan.stacks) {
    const counts: Record<string, number> = {};
    for (const r of s.resources) for (const [type, n] of Object.entries(r.cloudformation)) counts[type] = (counts[type] ?? 0) + n;
    out[s.name] = Object.fromEntries(Object.entries(counts).sort());
  }
  return out;
}

/** CloudFormation resources per stack and type in the synthesized templates. */
export function templateCounts(json: ReadonlyMap<string, Json>): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [stack, t] of json) {
    const counts: Record<string, number> = {};
    for (const r of Object.values((t.Resources ?? {}) as Record<string, Resource>)) counts[r.Type] = (counts[r.Type] ?? 0) + 1;
    out[stack] = Object.fromEntries(Object.entries(counts).sort());
  }
  return out;
}

/** The file `cdk synth` writes for a template (what CloudFormation's size limit counts). */
export function templateFileBytes(t: Json): number {
  return Buffer.byteLength(JSON.stringify(t, undefined, 1));
}

/**
 * How far above the synthesized file the plan's estimate of a template's size may be: a share of
 * the file, plus bytes. Never below it: a low estimate lets a stack pass CloudFormation's limit, or
 * its warning and its split, unnoticed.
 */
export const TEMPLATE_SIZE_TOLERANCE = { share: 0.1, bytes: 4_000 } as const;

/** Why the plan's estimate of a template's size is outside [bytes, bytes × (1 + share) + bytes of slack], or undefined. */
export function templateSizeProblem(estimate: number, bytes: number): string | undefined {
  if (estimate < bytes) return `plan estimates ${estimate} template bytes, less than the template's ${bytes}`;
  const most = Math.floor(bytes * (1 + TEMPLATE_SIZE_TOLERANCE.share) + TEMPLATE_SIZE_TOLERANCE.bytes);
  if (estimate > most) return `plan estimates ${estimate} template bytes, more than ${most} for the template's ${bytes}`;
  return undefined;
}

const refs = (v: unknown): string[] => (Array.isArray(v) ? v : [v]).map((x) => JSON.stringify(x));

/** Logical ID of a `{ Ref }` or `{ Fn::GetAtt: [id, …] }`. */
function target(v: unknown): string | undefined {
  const o = v as Json;
  return typeof o?.Ref === 'string' ? o.Ref : Array.isArray(o?.['Fn::GetAtt']) ? (o['Fn::GetAtt'][0] as string) : undefined;
}

/**
 * Where the plan and the templates disagree, or a template passes a limit: one line each (an
 * empty list when they agree). `place`: the account and region values are evaluated in.
 */
export function usageProblems(plan: DeploymentPlan, json: ReadonlyMap<StackName, Json>, stackIds: ReadonlyMap<StackName, string>, place: Place): string[] {
  const out: string[] = [];
  const planned = planCounts(plan);
  const synthesized = templateCounts(json);
  if (JSON.stringify(planned) !== JSON.stringify(synthesized)) out.push(`resources per stack and type differ: plan ${JSON.stringify(planned)}, templates ${JSON.stringify(synthesized)}`);
  for (const st of plan.stacks) {
    const t = json.get(st.name);
    if (!t) {
      out.push(`${st.name}: no template`);
      continue;
    }
    const u = st.usage;
    const resources = Object.entries((t.Resources ?? {}) as Record<string, Resource>);
    const outputs = Object.keys(t.Outputs ?? {}).length;
    const parameters = Object.keys(t.Parameters ?? {}).length;
    const bytes = templateFileBytes(t);
    // Within AWS's limits.
    if (resources.length > LIMITS.resources) out.push(`${st.name}: ${resources.length} resources`);
    if (outputs > LIMITS.outputs) out.push(`${st.name}: ${outputs} outputs`);
    if (parameters > LIMITS.parameters) out.push(`${st.name}: ${parameters} parameters`);
    if (bytes > LIMITS.templateBytes) out.push(`${st.name}: a template of ${bytes} bytes`);
    // What the plan said.
    if (u.resources.used !== resources.length) out.push(`${st.name}: plan ${u.resources.used} resources, template ${resources.length}`);
    if (u.outputs.used !== outputs) out.push(`${st.name}: plan ${u.outputs.used} outputs, template ${outputs}`);
    if (u.parameters.used !== parameters) out.push(`${st.name}: plan ${u.parameters.used} parameters, template ${parameters}`);
    const size = templateSizeProblem(u.templateBytes.used, bytes);
    if (size) out.push(`${st.name}: ${size}`);

    // Roles: no role carries more managed policies than IAM allows; a task role's policies are the plan's.
    const stackId = stackIds.get(st.name) as string;
    const managed = (roleId: string) => {
      const role = resources.find(([id]) => id === roleId)?.[1];
      const arns = ((role?.Properties?.ManagedPolicyArns ?? []) as unknown[]).length;
      const overflow = resources.filter(([, r]) => r.Type === 'AWS::IAM::ManagedPolicy' && refs(r.Properties?.Roles ?? []).includes(JSON.stringify({ Ref: roleId }))).length;
      return arns + overflow;
    };
    for (const [id, r] of resources) if (r.Type === 'AWS::IAM::Role' && managed(id) > LIMITS.managedPoliciesPerRole) out.push(`${st.name}: role ${id} has ${managed(id)} managed policies`);
    for (const role of u.roles) {
      const entry = resources.find(([, r]) => r.Type === 'AWS::IAM::Role' && String(r.Metadata?.['aws:cdk:path'] ?? '') === `${stackId}/${role.id}/Resource`);
      if (!entry) {
        out.push(`${st.name}: no role ${role.id}`);
        continue;
      }
      const [roleId] = entry;
      if (managed(roleId) !== role.managedPolicies.used) out.push(`${st.name}: ${role.id} has ${managed(roleId)} managed policies, the plan says ${role.managedPolicies.used}`);
      const documents = resources.filter(([, r]) => r.Type === 'AWS::IAM::Policy' && refs(r.Properties?.Roles ?? []).includes(JSON.stringify({ Ref: roleId }))).map(([, r]) => r.Properties?.PolicyDocument);
      // IAM counts the document as deployed: values resolved, no whitespace; a creation id is 8 characters.
      const chars = documents.reduce((n, d) => n + JSON.stringify(evaluate(d, stackId, place)).replace(/\{\{Ref:SsmParameterValue[^}]*\}\}/g, '00000000').length, 0);
      if (chars > LIMITS.rolePolicyChars) out.push(`${st.name}: ${role.id} has ${chars} characters of inline policy`);
      if (chars !== role.inlinePolicyChars.used) out.push(`${st.name}: ${role.id} has ${chars} characters of inline policy, the plan says ${role.inlinePolicyChars.used}`);
    }

    // Security groups (the Network stack): rules per group and direction.
    for (const g of u.securityGroups) {
      const entry = resources.find(([, r]) => r.Type === 'AWS::EC2::SecurityGroup' && String(r.Metadata?.['aws:cdk:path'] ?? '') === `${stackId}/${g.id}/Resource`);
      if (!entry) {
        out.push(`${st.name}: no security group ${g.id}`);
        continue;
      }
      const [sgId, sg] = entry;
      const rules = (type: string) => resources.filter(([, r]) => r.Type === type && target(r.Properties?.GroupId) === sgId).length;
      const inbound = ((sg.Properties?.SecurityGroupIngress ?? []) as unknown[]).length + rules('AWS::EC2::SecurityGroupIngress');
      const outbound = ((sg.Properties?.SecurityGroupEgress ?? []) as unknown[]).length + rules('AWS::EC2::SecurityGroupEgress');
      if (inbound !== g.inbound.used || outbound !== g.outbound.used) out.push(`${st.name}: ${g.id} has ${inbound} inbound and ${outbound} outbound rules, the plan says ${g.inbound.used} and ${g.outbound.used}`);
    }

    // Task definitions: the plan's estimate covers the variables as ECS registers them.
    for (const td of u.taskDefinitions) {
      const entry = resources.find(([, r]) => r.Type === 'AWS::ECS::TaskDefinition' && String(r.Metadata?.['aws:cdk:path'] ?? '') === `${stackId}/${td.id}/Resource`);
      if (!entry) {
        out.push(`${st.name}: no task definition ${td.id}`);
        continue;
      }
      const container = ((entry[1].Properties?.ContainerDefinitions ?? []) as Json[])[0] ?? {};
      const env = ((container.Environment ?? []) as Json[]).map((e) => ({ name: String(e.Name), value: String(evaluate(e.Value, stackId, place)).replace(/\{\{[^}]*\}\}/g, 'x'.repeat(40)) }));
      const registered = env.reduce((n, e) => n + JSON.stringify(e).length + 1, 0) + ((container.Secrets ?? []) as unknown[]).length * 100;
      if (registered > td.bytes.used) out.push(`${st.name}: ${td.id}'s variables alone are about ${registered} bytes, more than the plan's ${td.bytes.used}`);
      // The environment file: named by the container when the plan says so, and its variables are then not inline.
      const service = plan.aws.services.find((s) => `${s.id}Task` === td.id);
      const file = plan.services.find((p) => p.name === service?.name && (p.role === 'worker') === (service?.role === 'worker'))?.environmentFile;
      const files = ((container.EnvironmentFiles ?? []) as unknown[]).length;
      if (files !== (file ? 1 : 0)) out.push(`${st.name}: ${td.id} names ${files} environment files, the plan says ${file ? 1 : 0}`);
      const moved = new Set(file?.variables ?? []);
      const inline = env.filter((e) => moved.has(e.name)).map((e) => e.name);
      if (inline.length) out.push(`${st.name}: ${td.id} has ${inline.length} variables inline that the plan puts in its environment file (${inline.slice(0, 3).join(', ')}…)`);
    }
  }
  // Every stack of a split family is within 80% of the limits the split keeps it under (resources, template size).
  for (const st of plan.stacks) {
    if (stackFamily(st.name) === st.name) continue;
    const t = json.get(st.name) as Json;
    if (Object.keys(t.Resources ?? {}).length >= 0.8 * LIMITS.resources) out.push(`${st.name}: a further stack of its family with ${Object.keys(t.Resources ?? {}).length} resources`);
  }
  return out;
}
