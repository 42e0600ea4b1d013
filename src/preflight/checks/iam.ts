/**
 * IAM wildcards that no acknowledgement explains. The generated app explains
 * each wildcard it grants where it grants it
 * (`Validations.of(role).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason })`,
 * recorded in the cloud assembly on the construct and covering what is below
 * it); a wildcard without one is a finding (and dazzle.toml can acknowledge it).
 */
import type { Res } from '../facts.js';
import type { AppAcknowledgement } from '../model.js';
import { isObj, listOf, literal, nagText } from '../template.js';
import type { Check, Draft } from './context.js';
import { shownName } from './network-facts.js';

/** cdk-nag's rule for wildcards: an app acknowledgement of it (or of one wildcard of it) explains it. */
const IAM5 = 'AwsSolutions-IAM5';

/** The policy documents a resource holds. */
function documents(r: Res): unknown[] {
  const p = r.resource.Properties ?? {};
  switch (r.type) {
    case 'AWS::IAM::Policy':
    case 'AWS::IAM::ManagedPolicy':
      return [p.PolicyDocument];
    case 'AWS::IAM::Role':
    case 'AWS::IAM::User':
    case 'AWS::IAM::Group':
      return listOf(p.Policies)
        .filter(isObj)
        .map((x) => x.PolicyDocument);
    default:
      return [];
  }
}

/** `Action::s3:*` and `Resource::arn:…/*` for every wildcard an Allow statement grants (cdk-nag's spelling). */
export function wildcards(r: Res): string[] {
  const out = new Set<string>();
  for (const doc of documents(r)) {
    if (!isObj(doc)) continue;
    for (const s of listOf(doc.Statement).filter(isObj)) {
      if (literal(s.Effect) !== 'Allow') continue;
      for (const a of listOf(s.Action)) {
        const t = literal(a);
        if (t?.includes('*')) out.add(`Action::${t}`);
      }
      for (const res of listOf(s.Resource)) {
        const t = nagText(res);
        if (t.includes('*')) out.add(`Resource::${t}`);
      }
    }
  }
  return [...out].sort();
}

/** Whether an acknowledgement on the construct or one of its ancestors explains `wildcard`. */
function explained(acks: readonly AppAcknowledgement[], path: string | undefined, wildcard: string): boolean {
  if (!path) return false;
  return acks.some((a) => (a.rule === IAM5 || a.rule === `${IAM5}[${wildcard}]`) && (path === a.path || path.startsWith(`${a.path}/`)));
}

export const iamWildcards: Check = ({ facts, input }) => {
  const out: Draft[] = [];
  for (const r of facts.ofType('AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group')) {
    const open = wildcards(r).filter((w) => !explained(input.appAcknowledgements, r.path, w));
    if (!open.length) continue;
    out.push({
      rule: 'IAM_WILDCARD',
      message: `${shownName(r)} allows ${open.map((w) => w.replace(/^(Action|Resource)::/, (_, k: string) => `${k.toLowerCase()} `)).join(', ')} with a wildcard that no acknowledgement explains`,
      resource: r,
    });
  }
  return out;
};
