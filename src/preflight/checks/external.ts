/**
 * What other checkers found, as findings: CloudFormation's template
 * validation (schema errors; resource types the region does not offer), and
 * cdk-nag's rule packs. Plus the availability zones the templates name.
 */
import { quote } from '../../diagnostics/index.js';
import type { RegionFacts } from '../model.js';
import { nagRule } from '../rules.js';
import { listOf } from '../template.js';
import type { Check, Draft } from './context.js';
import { shownName } from './network-facts.js';

/** CloudFormation validation's rule for a resource type the region does not offer. */
export const TYPE_NOT_IN_REGION = 'F3006';

/** How aws-cdk-lib names its template validation in acknowledgements (`CloudFormation-Validate::F3002`). */
const CFN_VALIDATE = 'CloudFormation-Validate';

/** The zones of a region as far as their names tell: `<region><letter>`. */
export const ZONES_BY_NAME: RegionFacts = {
  zoneExists: (zone, region) => zone.length === region.length + 1 && zone.startsWith(region) && /[a-z]$/.test(zone),
};

export const schemaValidation: Check = ({ input, facts }) => {
  const out: Draft[] = [];
  for (const issue of input.schema) {
    if (issue.severity !== 'error') continue;
    const r = issue.logicalId ? facts.get(issue.stack, issue.logicalId) : undefined;
    // The app's code may acknowledge a validation rule where CloudFormation accepts what its schema does not.
    const path = r?.path;
    if (path && input.appAcknowledgements.some((a) => a.rule === `${CFN_VALIDATE}::${issue.rule}` && (path === a.path || path.startsWith(`${a.path}/`)))) continue;
    const what = `${issue.resourceType ?? r?.type ?? 'a resource'} ${r ? shownName(r) : (issue.logicalId ?? issue.stack)}`;
    const props = issue.properties?.length ? ` (${issue.properties.join(', ')})` : '';
    const regional = issue.rule === TYPE_NOT_IN_REGION;
    out.push({
      rule: regional ? 'REGION_UNAVAILABLE' : 'CFN_SCHEMA',
      message: `${what}${props}: ${issue.description} [CloudFormation ${issue.rule}]`,
      ...(regional ? { keys: ['region'] } : {}),
      ...(r ? { resource: r } : {}),
    });
  }
  return out;
};

/** Availability zones named in the templates that are not zones of the region. */
export const zones: Check = ({ facts, region, regionFacts }) => {
  const out: Draft[] = [];
  for (const r of facts.resources) {
    const p = r.resource.Properties ?? {};
    const named = [p.AvailabilityZone, ...listOf(p.AvailabilityZones)].map((v) => facts.text(v, r.stack)).filter((z): z is string => z !== undefined);
    for (const zone of [...new Set(named)]) {
      if (regionFacts.zoneExists(zone, region) !== false) continue;
      out.push({ rule: 'REGION_UNAVAILABLE', message: `${r.type} ${shownName(r)} is placed in availability zone ${quote(zone)}, which is not a zone of ${region}`, keys: ['region'], resource: r });
    }
  }
  return out;
};

/** cdk-nag's findings. IAM5 (wildcards) is IAM_WILDCARD's (see SAME_RULE), which reads the same acknowledgements. */
export const nagFindings: Check = ({ input, facts, provenance }) => {
  const out: Draft[] = [];
  for (const f of input.nag) {
    if (f.rule.startsWith('AwsSolutions-IAM5')) continue;
    const origin = provenance.atPath(f.path);
    const r = origin ? facts.get(origin.stack, origin.logicalId) : undefined;
    const base = f.rule.replace(/\[.*$/, '');
    out.push({
      rule: base,
      info: nagRule(base, f.severity, f.description),
      message: `${f.rule} on ${f.path}: ${f.description}`,
      ...(r ? { resource: r } : {}),
    });
  }
  return out;
};
