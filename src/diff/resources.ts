/**
 * Resource-level changes of one stack, from `@aws-cdk/cloudformation-diff`
 * (what CloudFormation does to each resource: create, update in place, replace,
 * possibly replace, delete or orphan, per the resource specification), each put
 * in its impact class by type, properties and policies.
 */
import { fullDiff, ResourceImpact, type ResourceDifference, type TemplateDiff } from '@aws-cdk/cloudformation-diff';
import type { Impact, PropertyChange, ResourceAction, ResourceChange, RuleChange, StatementChange, Template, TemplateResource } from './model.js';
import { IMPACTS } from './model.js';
import type { ProvenanceIndex } from './provenance.js';
import { canonical, carriesAccess, constructPath, deletionPolicy, fixedName, interruptingUpdates, keepsData, normalize, servingWhat, statefulWhat, updateReplacePolicy } from './templates.js';

/** One stack's raw resource changes, before classification. */
export interface RawChange {
  readonly logicalId: string;
  readonly type: string;
  readonly action: ResourceAction;
  readonly properties: readonly PropertyChange[];
  readonly before: TemplateResource | undefined;
  readonly after: TemplateResource | undefined;
}

export interface StackResources {
  readonly changes: readonly RawChange[];
  readonly diff: TemplateDiff;
}

const ACTION: Partial<Record<ResourceImpact, ResourceAction>> = {
  [ResourceImpact.WILL_CREATE]: 'add',
  [ResourceImpact.WILL_IMPORT]: 'add',
  [ResourceImpact.WILL_DESTROY]: 'remove',
  [ResourceImpact.WILL_ORPHAN]: 'orphan',
  [ResourceImpact.WILL_REPLACE]: 'replace',
  [ResourceImpact.MAY_REPLACE]: 'may-replace',
  [ResourceImpact.WILL_UPDATE]: 'update',
};

const REPLACEMENT: Partial<Record<ResourceImpact, PropertyChange['replacement']>> = {
  [ResourceImpact.WILL_REPLACE]: 'always',
  [ResourceImpact.MAY_REPLACE]: 'maybe',
};

function propertyChanges(d: ResourceDifference): PropertyChange[] {
  const out: PropertyChange[] = [];
  if (d.isAddition || d.isRemoval) return out;
  d.forEachDifference((kind, name, diff) => {
    const impact = kind === 'Property' ? (diff as { changeImpact?: ResourceImpact }).changeImpact : undefined;
    out.push({
      name,
      change: diff.isAddition ? 'add' : diff.isRemoval ? 'remove' : 'update',
      replacement: (impact && REPLACEMENT[impact]) ?? 'never',
      ...(diff.oldValue !== undefined ? { before: diff.oldValue } : {}),
      ...(diff.newValue !== undefined ? { after: diff.newValue } : {}),
    });
  });
  return out;
}

/** Compare one stack's templates (either may be absent: an added or removed stack). */
export function diffStack(before: Template | undefined, after: Template | undefined): StackResources {
  const diff = fullDiff(normalize(before ?? {}), normalize(after ?? {}));
  const changes: RawChange[] = [];
  for (const id of Object.keys(diff.resources.changes).sort()) {
    const d = diff.resources.get(id);
    if (!d.isDifferent) continue;
    const action = ACTION[d.changeImpact];
    if (!action) continue;
    changes.push({
      logicalId: id,
      type: d.newResourceType ?? d.oldResourceType ?? 'unknown',
      action,
      properties: propertyChanges(d),
      before: before?.Resources?.[id],
      after: after?.Resources?.[id],
    });
  }
  return { changes, diff };
}

/** IAM statements and security group rules that one resource adds or removes (cloudformation-diff, on that resource alone). */
export function accessChanges(c: RawChange): {
  readonly statements: StatementChange[];
  /** The positive statements added, with the resources they name (as cloudformation-diff renders them). */
  readonly granted: { readonly action: string; readonly principal: string; readonly resources: readonly string[] }[];
  readonly rules: RuleChange[];
  readonly managed: string[];
} | undefined {
  if (!carriesAccess(c.type)) return undefined;
  const one = (r: TemplateResource | undefined) => ({ Resources: r ? { [c.logicalId]: normalize({ Resources: { x: r } }).Resources?.x } : {} });
  const raw = fullDiff(one(c.before), one(c.after));
  const statements: StatementChange[] = [];
  const granted: { action: string; principal: string; resources: string[] }[] = [];
  const rules: RuleChange[] = [];
  const managed: string[] = [];
  const st = raw.iamChanges.statements;
  for (const [change, list] of [['add', st.additions], ['remove', st.removals]] as const) {
    for (const s of list) statements.push({ change, ...s.render() });
  }
  // A statement rewritten with one more resource is a removal and an addition: only what the removed ones did not grant is new.
  const before = new Map<string, Set<string>>();
  for (const s of st.removals) {
    if (s.isNegativeStatement) continue;
    const r = s.render();
    const key = `${r.effect}|${r.action}|${r.principal}|${r.condition}`;
    const set = before.get(key) ?? new Set<string>();
    for (const v of s.resources.values.length ? s.resources.values : ['*']) set.add(v);
    before.set(key, set);
  }
  for (const s of st.additions) {
    if (s.isNegativeStatement) continue;
    const r = s.render();
    const had = before.get(`${r.effect}|${r.action}|${r.principal}|${r.condition}`);
    const resources = (s.resources.values.length ? [...s.resources.values] : ['*']).filter((v) => !had?.has(v));
    if (resources.length) granted.push({ action: r.action.replace(/\n/g, ', '), principal: r.principal.replace(/\n/g, ', '), resources });
  }
  for (const m of raw.iamChanges.managedPolicies.additions) managed.push(m.managedPolicyArn);
  const sg = raw.securityGroupChanges;
  for (const [change, direction, list] of [
    ['add', 'in', sg.ingress.additions],
    ['add', 'out', sg.egress.additions],
    ['remove', 'in', sg.ingress.removals],
    ['remove', 'out', sg.egress.removals],
  ] as const) {
    for (const r of list) rules.push({ change, group: r.groupId, direction, protocol: r.describeProtocol(), peer: r.describePeer() });
  }
  return { statements, granted, rules, managed };
}

/** What the classification needs to know beyond the resource itself. */
export interface ClassifyContext {
  readonly stack: string;
  /** Does this rendered IAM resource (`${Id.Arn}`, an import, a literal ARN) name only what this change creates? */
  readonly onlyNew: (stack: string, rendered: string) => boolean;
  readonly provenance: { readonly before: ProvenanceIndex; readonly after: ProvenanceIndex };
}

interface Reason {
  readonly impact: Impact;
  readonly text: string;
  readonly hint?: string;
}

const rank = (i: Impact) => IMPACTS.indexOf(i);

function describeAction(c: RawChange): string {
  const replacing = c.properties.filter((p) => p.replacement !== 'never').map((p) => p.name);
  const by = replacing.length ? ` (${replacing.join(', ')} cannot change in place)` : '';
  switch (c.action) {
    case 'add':
      return 'created';
    case 'remove':
      return 'deleted';
    case 'orphan':
      return 'removed from the stack and left in the account (DeletionPolicy Retain)';
    case 'update':
      return `updated in place: ${c.properties.map((p) => p.name).join(', ')}`;
    case 'replace':
      return `replaced${by}`;
    case 'may-replace':
      return `possibly replaced${by}`;
  }
}

const PUBLIC_PEERS = new Set(['Everyone (IPv4)', 'Everyone (IPv6)']);

/** Put one resource change in its class, with its reasons. */
export function classify(c: RawChange, ctx: ClassifyContext): ResourceChange {
  const reasons: Reason[] = [];
  const replaced = c.action === 'replace' || c.action === 'may-replace';
  const maybe = c.action === 'may-replace' ? 'possibly ' : '';
  const resource = (c.before ?? c.after) as TemplateResource;

  // Data: a stateful resource deleted, or replaced (the new one starts empty).
  const what = statefulWhat(resource);
  if (what && (c.action === 'remove' || c.action === 'orphan')) {
    const policy = deletionPolicy(c.before as TemplateResource);
    if (keepsData(policy)) reasons.push({ impact: 'data-kept', text: policy === 'Snapshot' ? `${what}: deleted after a final snapshot (DeletionPolicy Snapshot)` : `${what}: kept in the account, no longer managed by the stack (DeletionPolicy ${policy})` });
    else
      reasons.push({
        impact: 'destroys-data',
        text: `${what}: deleted (DeletionPolicy ${policy})`,
        hint: 'copy the data out before deploying, or keep it: deploy a retain (or snapshot) removal policy for it first, then remove it',
      });
  } else if (what && replaced) {
    const policy = updateReplacePolicy((c.after ?? c.before) as TemplateResource);
    if (keepsData(policy)) reasons.push({ impact: 'data-kept', text: `${what}: ${maybe}replaced by an empty one; the old one is ${policy === 'Snapshot' ? 'snapshotted' : 'kept in the account'} (UpdateReplacePolicy ${policy})` });
    else
      reasons.push({
        impact: 'destroys-data',
        text: `${what}: ${maybe}replaced by an empty one and deleted (UpdateReplacePolicy ${policy})`,
        hint: `avoid the change that replaces it (${c.properties.filter((p) => p.replacement !== 'never').map((p) => p.name).join(', ') || 'its type'}), or copy the data out first`,
      });
  }

  // A replacement CloudFormation cannot make: the new resource would need the old one's fixed name.
  if (replaced && c.before && c.after) {
    const before = fixedName(c.before);
    const after = fixedName(c.after);
    if (before && after && before.property === after.property && canonical(before.value) === canonical(after.value)) {
      reasons.push({
        impact: 'breaks-deploy',
        text: `it has a fixed name (${before.property}), and CloudFormation cannot ${maybe}replace a resource with a fixed name: the update fails and rolls back`,
        hint: `avoid the change that replaces it, or give it a new name in the same change`,
      });
    }
  }

  // Traffic and work: replacing what serves stops it for a while; some in-place updates restart.
  const serving = servingWhat(c.type);
  if (serving && replaced) reasons.push({ impact: 'interrupts-service', text: `${serving}: ${maybe}replaced, so it is unavailable while the new one starts` });
  if (c.action === 'update') {
    const restarts = interruptingUpdates(c.type, c.properties.map((p) => p.name));
    if (restarts.length) reasons.push({ impact: 'interrupts-service', text: `${restarts.join(', ')} change in place with a restart or failover` });
  }

  // Access: IAM statements and security group rules, as cloudformation-diff reads them.
  const access = accessChanges(c);
  if (access) {
    let toNew = 0;
    for (const g of access.granted) {
      const old = g.resources.filter((r) => !ctx.onlyNew(ctx.stack, r));
      if (!old.length) toNew++;
      else reasons.push({ impact: 'widens-access', text: `allows ${g.action} on ${old.join(', ')}${g.principal ? ` to ${g.principal}` : ''}` });
    }
    if (toNew) reasons.push({ impact: 'safe', text: `${toNew === access.granted.length ? 'its' : 'its other'} new IAM grants name only resources this change creates` });
    for (const arn of access.managed) reasons.push({ impact: 'widens-access', text: `attaches the managed policy ${arn}` });
    for (const r of access.rules.filter((x) => x.change === 'add' && x.direction === 'in')) {
      if (PUBLIC_PEERS.has(r.peer)) reasons.push({ impact: 'widens-access', text: `new public ingress: ${r.protocol} from ${r.peer}` });
      else reasons.push({ impact: 'widens-access', text: `new ingress: ${r.protocol} from ${r.peer}` });
    }
  }

  const worst = reasons.reduce<Impact>((w, r) => (rank(r.impact) < rank(w) ? r.impact : w), 'safe');
  const ordered = [...reasons].sort((a, b) => rank(a.impact) - rank(b.impact));
  const hint = ordered.find((r) => r.hint && r.impact === worst)?.hint ?? null;
  const prov = c.action === 'remove' || c.action === 'orphan' ? ctx.provenance.before.of(ctx.stack, c.logicalId) : ctx.provenance.after.of(ctx.stack, c.logicalId);
  return {
    stack: ctx.stack,
    logicalId: c.logicalId,
    type: c.type,
    path: prov.path ?? constructPath(c.after ?? c.before),
    action: c.action,
    properties: c.properties,
    statements: access?.statements ?? [],
    rules: access?.rules ?? [],
    impact: worst,
    reasons: [describeAction(c), ...ordered.map((r) => r.text)],
    hint,
    because: prov.because,
  };
}
