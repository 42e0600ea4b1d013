/**
 * Reading synthesized templates as CloudFormation would: values with their intrinsic functions
 * evaluated for one account, region and stack, the physical names every stack fixes, and the
 * values stacks share (exports, imports, SSM parameters written and read).
 */
import { nameProblem, type NameKind } from '../../src/lower/index.js';

export type Json = Record<string, any>;
export type Templates = ReadonlyMap<string, Json>;

/** Where values are evaluated: one account and region; every stack's ID ends with the same UUID (the worst case for names). */
export interface Place {
  readonly region: string;
  readonly account?: string;
  /** The UUID at the end of every stack ID. */
  readonly uuid?: string;
  /** Values of the template's parameters (SSM parameters read at deploy time), by logical ID. */
  readonly parameters?: Readonly<Record<string, string>>;
}

export const ACCOUNT = '123456789012';
export const UUID = '1c2fa620-982a-11e3-aff7-50e2416294e0';

/**
 * A CloudFormation value as a string, with `Ref` to pseudo parameters and template parameters,
 * `Fn::Join`, `Fn::Split`, `Fn::Select` evaluated; a reference to a resource is `{{Ref:X}}` or
 * `{{GetAtt:X.Y}}` (what CloudFormation knows only when it creates it).
 */
export function evaluate(value: unknown, stack: string, place: Place): unknown {
  const pseudo: Record<string, string> = {
    'AWS::Partition': 'aws',
    'AWS::Region': place.region,
    'AWS::AccountId': place.account ?? ACCOUNT,
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::StackName': stack,
    'AWS::StackId': `arn:aws:cloudformation:${place.region}:${place.account ?? ACCOUNT}:stack/${stack}/${place.uuid ?? UUID}`,
  };
  const visit = (v: unknown): unknown => {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return v;
    if (Array.isArray(v)) return v.map(visit);
    const o = v as Json;
    if ('Ref' in o) return pseudo[o.Ref] ?? place.parameters?.[o.Ref] ?? `{{Ref:${o.Ref}}}`;
    if ('Fn::GetAtt' in o) return `{{GetAtt:${(o['Fn::GetAtt'] as string[]).join('.')}}}`;
    if ('Fn::Join' in o) {
      const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
      const items = visit(parts);
      return (Array.isArray(items) ? items : [items]).map(String).join(sep);
    }
    if ('Fn::Split' in o) {
      const [sep, source] = o['Fn::Split'] as [string, unknown];
      return String(visit(source)).split(sep);
    }
    if ('Fn::Select' in o) {
      const [index, list] = o['Fn::Select'] as [number | string, unknown];
      const items = visit(list);
      if (!Array.isArray(items)) throw new Error(`Fn::Select of ${JSON.stringify(items)}`);
      return items[Number(index)];
    }
    if ('Fn::ImportValue' in o) return `{{ImportValue:${String(visit(o['Fn::ImportValue']))}}}`;
    if ('Fn::Sub' in o) {
      const [text, vars] = (Array.isArray(o['Fn::Sub']) ? o['Fn::Sub'] : [o['Fn::Sub'], {}]) as [string, Json];
      return text.replace(/\$\{([^}!][^}]*)\}/g, (_, name: string) => String(name in vars ? visit(vars[name]) : visit(name.includes('.') ? { 'Fn::GetAtt': name.split('.') } : { Ref: name })));
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, visit(x)]));
  };
  return visit(value);
}

/** Whether a value (unevaluated) depends on the stack's ID: a name that ends with the stack's creation id. */
export function usesStackId(value: unknown): boolean {
  return JSON.stringify(value ?? null).includes('"AWS::StackId"');
}

/** The physical-name properties of each resource type, and the kind of name they are. */
export const NAME_PROPERTIES: Readonly<Record<string, readonly (readonly [string, NameKind])[]>> = {
  'AWS::S3::Bucket': [['BucketName', 'S3 bucket']],
  'AWS::SQS::Queue': [['QueueName', 'SQS queue']],
  'AWS::Events::EventBus': [['Name', 'EventBridge bus']],
  'AWS::SES::EmailIdentity': [['EmailIdentity', 'SES identity']],
  'AWS::Logs::LogGroup': [['LogGroupName', 'CloudWatch log group']],
  'AWS::SSM::Parameter': [['Name', 'SSM parameter']],
  'AWS::SecretsManager::Secret': [['Name', 'Secrets Manager secret']],
  'AWS::RDS::DBCluster': [['DBClusterIdentifier', 'Aurora cluster identifier']],
  'AWS::CloudWatch::Dashboard': [['DashboardName', 'CloudWatch dashboard']],
  'AWS::SNS::Topic': [['TopicName', 'SNS topic'], ['DisplayName', 'SNS display name']],
  'AWS::CloudWatch::Alarm': [['AlarmName', 'CloudWatch alarm']],
  'AWS::ECR::Repository': [['RepositoryName', 'ECR repository']],
};

/**
 * Top-level properties that end in `Name` but are no name of the account and region: a metric's
 * name, a policy's name inside its role or scalable target, the database inside the cluster, the
 * default parameter group. (A value that is a reference to another resource is skipped too.)
 */
const NOT_NAMES = new Set(['MetricName', 'PolicyName', 'DatabaseName', 'DBClusterParameterGroupName']);

export interface PhysicalName {
  readonly stack: string;
  readonly path: string;
  readonly type: string;
  readonly kind: NameKind;
  readonly name: string;
  /** The resource is kept when its stack is deleted (DeletionPolicy Retain). */
  readonly retained: boolean;
  /** The name depends on the stack's ID (its creation id). */
  readonly perCreation: boolean;
}

/** Every physical name the templates fix, evaluated for `place`. */
export function physicalNames(templates: Templates, place: Place): PhysicalName[] {
  const out: PhysicalName[] = [];
  for (const [stack, t] of templates) {
    for (const r of Object.values((t.Resources ?? {}) as Record<string, Json>)) {
      const props = (r.Properties ?? {}) as Json;
      const known = NAME_PROPERTIES[r.Type] ?? [];
      // A name property this table does not know would be a name no test checks.
      for (const key of Object.keys(props)) {
        if (!key.endsWith('Name') || known.some(([k]) => k === key) || NOT_NAMES.has(key)) continue;
        const ref = (props[key] as Json | undefined)?.Ref;
        if (typeof ref === 'string' && ref in (t.Resources ?? {})) continue;
        throw new Error(`${stack} ${r.Type}.${key} looks like a physical name: add it to NAME_PROPERTIES (or to NOT_NAMES if it is not one)`);
      }
      for (const [key, kind] of known) {
        if (props[key] === undefined) continue;
        const name = evaluate(props[key], stack, place);
        if (typeof name !== 'string') throw new Error(`${stack} ${r.Type}.${key} is not a string: ${JSON.stringify(name)}`);
        if (/\{\{(Ref|GetAtt|ImportValue):/.test(name)) throw new Error(`${stack} ${r.Type}.${key} depends on a resource: ${name}`);
        out.push({ stack, path: String(r.Metadata?.['aws:cdk:path'] ?? ''), type: r.Type, kind, name, retained: r.DeletionPolicy === 'Retain' || r.DeletionPolicy === 'RetainExceptOnCreate', perCreation: usesStackId(props[key]) });
      }
    }
  }
  return out;
}

/** The names that break their kind's AWS limit or form, with why. */
export function nameProblems(names: readonly PhysicalName[]): string[] {
  return names.flatMap((n) => {
    const problem = nameProblem({ kind: n.kind, name: n.name, length: n.name.length });
    return problem ? [`${n.path} (${n.kind}) ${JSON.stringify(n.name)} ${problem}`] : [];
  });
}

/** Exports (`Outputs.*.Export.Name`) of every template. */
export function exportsOf(templates: Templates): string[] {
  return [...templates.values()].flatMap((t) => Object.values((t.Outputs ?? {}) as Record<string, Json>).flatMap((o) => (o.Export ? [JSON.stringify(o.Export.Name)] : [])));
}

/** `Fn::ImportValue` names in every template. */
export function importsOf(templates: Templates): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'Fn::ImportValue') out.push(JSON.stringify(x));
        else walk(x);
      }
    }
  };
  for (const t of templates.values()) walk(t);
  return out;
}

/** SSM parameters a template reads when it deploys: its parameters of type AWS::SSM::Parameter::Value<…>, by logical ID → parameter name. */
export function ssmReads(t: Json): Map<string, string> {
  return new Map(
    Object.entries((t.Parameters ?? {}) as Record<string, Json>)
      .filter(([, p]) => String(p.Type).startsWith('AWS::SSM::Parameter::Value<') && !String(p.Default).startsWith('/aws/') && !String(p.Default).startsWith('/cdk-bootstrap/'))
      .map(([id, p]) => [id, String(p.Default)]),
  );
}

/** SSM parameters a template writes: name → value (evaluated). */
export function ssmWrites(t: Json, stack: string, place: Place): Map<string, unknown> {
  return new Map(
    Object.values((t.Resources ?? {}) as Record<string, Json>)
      .filter((r) => r.Type === 'AWS::SSM::Parameter')
      .map((r) => [String(evaluate(r.Properties?.Name, stack, place)), evaluate(r.Properties?.Value, stack, place)]),
  );
}
