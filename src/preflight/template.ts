/**
 * Reading CloudFormation values: literal text, references and the string
 * functions (Fn::Join, Fn::Sub) synthesized templates use. Pure helpers over
 * JSON; nothing here knows a construct ID or a stack layout.
 */

/** A piece of a string-valued expression. */
export type Piece =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'pseudo'; readonly name: string }
  | { readonly kind: 'ref'; readonly logicalId: string; readonly attribute?: string }
  | { readonly kind: 'import'; readonly value: unknown }
  | { readonly kind: 'unknown'; readonly value: unknown };

type Obj = Readonly<Record<string, unknown>>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The single key of an intrinsic function object (`Ref`, `Fn::Join`), or undefined. */
export function intrinsic(v: unknown): string | undefined {
  if (!isObj(v)) return undefined;
  const keys = Object.keys(v);
  return keys.length === 1 && (keys[0] === 'Ref' || (keys[0] as string).startsWith('Fn::')) ? keys[0] : undefined;
}

/** `${AWS::Region}`, `${Res.Arn}` and `${!Literal}` in a Fn::Sub string. */
function subPieces(text: string, vars: Obj): Piece[] {
  const out: Piece[] = [];
  let last = 0;
  for (const m of text.matchAll(/\$\{([^}]*)\}/g)) {
    if (m.index > last) out.push({ kind: 'text', text: text.slice(last, m.index) });
    last = m.index + m[0].length;
    const name = m[1] as string;
    if (name.startsWith('!')) out.push({ kind: 'text', text: `\${${name.slice(1)}}` });
    else if (name in vars) out.push(...(pieces(vars[name]) ?? [{ kind: 'unknown', value: vars[name] }]));
    else if (name.startsWith('AWS::')) out.push({ kind: 'pseudo', name });
    else {
      const [logicalId, ...attr] = name.split('.');
      out.push(attr.length ? { kind: 'ref', logicalId: logicalId as string, attribute: attr.join('.') } : { kind: 'ref', logicalId: logicalId as string });
    }
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) });
  return out;
}

/** A string-valued expression as pieces of text and references; undefined when it is not string-valued. */
export function pieces(v: unknown): Piece[] | undefined {
  if (typeof v === 'string') return [{ kind: 'text', text: v }];
  if (typeof v === 'number' || typeof v === 'boolean') return [{ kind: 'text', text: String(v) }];
  const fn = intrinsic(v);
  if (!fn || !isObj(v)) return undefined;
  const arg = v[fn];
  switch (fn) {
    case 'Ref':
      return typeof arg === 'string' ? [arg.startsWith('AWS::') ? { kind: 'pseudo', name: arg } : { kind: 'ref', logicalId: arg }] : undefined;
    case 'Fn::GetAtt': {
      const [id, attr] = Array.isArray(arg) ? arg : typeof arg === 'string' ? arg.split(/\.(.*)/) : [];
      return typeof id === 'string' && typeof attr === 'string' ? [{ kind: 'ref', logicalId: id, attribute: attr }] : undefined;
    }
    case 'Fn::Join': {
      if (!Array.isArray(arg) || typeof arg[0] !== 'string' || !Array.isArray(arg[1])) return undefined;
      const out: Piece[] = [];
      (arg[1] as unknown[]).forEach((item, i) => {
        if (i > 0 && arg[0]) out.push({ kind: 'text', text: arg[0] as string });
        out.push(...(pieces(item) ?? [{ kind: 'unknown', value: item }]));
      });
      return out;
    }
    case 'Fn::Sub':
      if (typeof arg === 'string') return subPieces(arg, {});
      if (Array.isArray(arg) && typeof arg[0] === 'string') return subPieces(arg[0], isObj(arg[1]) ? arg[1] : {});
      return undefined;
    case 'Fn::ImportValue':
      return [{ kind: 'import', value: arg }];
    default:
      return [{ kind: 'unknown', value: v }];
  }
}

/** The value as plain text when it has no references; else undefined. */
export function literal(v: unknown): string | undefined {
  const p = pieces(v);
  if (!p || p.some((x) => x.kind !== 'text')) return undefined;
  return p.map((x) => (x as { text: string }).text).join('');
}

/** A number, or a string of digits (CloudFormation passes numbers either way); else undefined. */
export function numberOf(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v);
  return undefined;
}

/** `true`/`"true"` → true, `false`/`"false"` → false, else undefined. */
export function boolOf(v: unknown): boolean | undefined {
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  return undefined;
}

/** A value as a list (a single value becomes a list of one; absent is empty). */
export function listOf(v: unknown): readonly unknown[] {
  return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
}

/**
 * The expression as cdk-nag spells it in a finding (`arn:<AWS::Partition>:s3:::b/*`,
 * `<Bucket12AB.Arn>/*`): the text an acknowledgement of `AwsSolutions-IAM5[Resource::…]` names.
 */
export function nagText(v: unknown): string {
  if (typeof v === 'string') return v.replace(/\$\{/g, '<').replace(/\}/g, '>');
  const fn = intrinsic(v);
  if (!fn || !isObj(v)) return JSON.stringify(v);
  const arg = v[fn];
  if (fn === 'Fn::Join' && Array.isArray(arg) && Array.isArray(arg[1])) return (arg[1] as unknown[]).map(nagText).join(String(arg[0]));
  if (fn === 'Fn::Sub') return nagText(Array.isArray(arg) ? arg[0] : arg);
  if (fn === 'Fn::GetAtt' && Array.isArray(arg)) return `<${nagText(arg[0])}.${nagText(arg[1])}>`;
  if (fn === 'Fn::ImportValue') return nagText(arg);
  if (fn === 'Ref') return `<${nagText(arg)}>`;
  return JSON.stringify(v);
}

/** The partition of a region's ARNs. */
export function partitionOf(region: string): string {
  return region.startsWith('us-gov-') ? 'aws-us-gov' : region.startsWith('cn-') ? 'aws-cn' : 'aws';
}

/**
 * The length of a name as deployed, when it can be known: its text, the stack's
 * name and region, and a 12-digit account ID. Undefined when it refers to
 * something CloudFormation names at deploy time.
 */
export function nameLength(v: unknown, stack: string, region: string): number | undefined {
  const p = pieces(v);
  if (!p) return undefined;
  let n = 0;
  for (const x of p) {
    if (x.kind === 'text') n += x.text.length;
    else if (x.kind === 'pseudo') {
      const len = { 'AWS::AccountId': 12, 'AWS::Region': region.length, 'AWS::StackName': stack.length, 'AWS::Partition': partitionOf(region).length, 'AWS::URLSuffix': 'amazonaws.com'.length }[x.name];
      if (len === undefined) return undefined;
      n += len;
    } else return undefined;
  }
  return n;
}

/** The name with its pseudo parameters filled in (the account as 12 `0`s) — for messages and comparison; undefined like {@link nameLength}. */
export function nameText(v: unknown, stack: string, region: string): string | undefined {
  const p = pieces(v);
  if (!p) return undefined;
  let out = '';
  for (const x of p) {
    if (x.kind === 'text') out += x.text;
    else if (x.kind === 'pseudo') {
      const t = { 'AWS::AccountId': '<account>', 'AWS::Region': region, 'AWS::StackName': stack, 'AWS::Partition': partitionOf(region), 'AWS::URLSuffix': 'amazonaws.com' }[x.name];
      if (t === undefined) return undefined;
      out += t;
    } else return undefined;
  }
  return out;
}
