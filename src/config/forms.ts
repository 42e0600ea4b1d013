/**
 * The forms of dazzle.toml's string values, as regular expressions (JSON
 * Schema `pattern`s, so editors check them too) and, where a message needs it,
 * as code that says which part of a value is wrong. Each pattern is anchored
 * and tested by the schema (ajv compiles patterns with the `u` flag).
 */

/**
 * Characters no name, address, path or command has any business containing:
 * the C0 and C1 control characters and DEL (a line break or an escape sequence
 * in a value ends up in a shell line, a log or a terminal), the line and
 * paragraph separators, the bidirectional overrides and the invisible marks
 * (which make text read differently from what it is).
 */
const CONTROL_CLASS = '\\u0000-\\u001f\\u007f-\\u009f\\u200b-\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2060-\\u2069\\ufeff';

/** Any text without control characters (paths, commands). */
export const NO_CONTROL = `^[^${CONTROL_CLASS}]*$`;

/** An S3 URI of an object: a bucket name, then a key without control characters. */
export const S3_OBJECT = `^$|^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/[^${CONTROL_CLASS}]{1,1024}$`;

/**
 * Environment variable values are data for the app: multi-line values (JSON,
 * a certificate) are legitimate and the generated code escapes them, so tab,
 * line feed and carriage return are allowed. NUL cannot be passed to a
 * process at all, and the other control characters are never meaningful text.
 */
export const ENV_VALUE = '^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$';

const CONTROL = new RegExp(`[${CONTROL_CLASS}]`, 'u');

/** The first control character in `value` (see {@link NO_CONTROL}) and its 0-based index, if any. */
export function firstControl(value: string): { readonly char: string; readonly index: number } | undefined {
  const m = CONTROL.exec(value);
  return m ? { char: m[0], index: m.index } : undefined;
}

/** `U+000A` for a character. */
export function codePoint(c: string): string {
  return `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
const IPV4 = `${OCTET}(?:\\.${OCTET}){3}`;

/** An IPv4 CIDR block for a VPC: octets 0-255 without leading zeros, prefix /16 to /28 (what a VPC allows). */
export const VPC_CIDR = `^${IPV4}/(?:1[6-9]|2[0-8])$`;
/** One IPv4 address, octets 0-255 without leading zeros (a node group's seed address). */
export const IPV4_ADDRESS = `^${IPV4}$`;
/** An IPv4 CIDR block for a security group rule (/0 to /32), or empty. */
export const ANY_CIDR = `^$|^${IPV4}/(?:3[0-2]|[12]?[0-9])$`;

export interface Cidr {
  readonly address: number;
  readonly prefix: number;
}

/** Parse `a.b.c.d/n` (already of the schema's form). */
export function parseCidr(text: string): Cidr | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map((x) => Number.parseInt(x, 10));
  if (octets.some((o) => o > 255)) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  return { address, prefix: Number.parseInt(m[5] as string, 10) };
}

/** The network address of a block: the address with its host bits cleared. */
export function networkOf(c: Cidr): Cidr {
  const size = 2 ** (32 - c.prefix);
  return { address: Math.floor(c.address / size) * size, prefix: c.prefix };
}

export function formatCidr(c: Cidr): string {
  const a = c.address;
  return `${Math.floor(a / 2 ** 24) % 256}.${Math.floor(a / 2 ** 16) % 256}.${Math.floor(a / 2 ** 8) % 256}.${a % 256}/${c.prefix}`;
}

/** One DNS label: letters, digits and inner hyphens, at most 63 characters (RFC 1035). */
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
/** A lower-case domain name with a top-level domain; its length (at most 253) is a separate `maxLength`. */
export const DOMAIN = `^(?:${LABEL}\\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$`;
/** A DNS name of one or more labels (a private zone such as `internal`), or empty. */
export const DNS_NAME = `^$|^${LABEL}(?:\\.${LABEL})*$`;
/** One DNS label. */
export const DNS_LABEL = `^${LABEL}$`;
/** The longest domain name DNS allows. */
export const DOMAIN_MAX = 253;

/**
 * An email address SNS can deliver to: a dot-atom local part of at most 64
 * characters, `@`, and a domain of labels with a top-level domain; at most 254
 * characters in all (RFC 5321). Quoted local parts and address literals are
 * not accepted.
 */
export const EMAIL = "^(?=.{3,254}$)(?=[^@]{1,64}@)[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z][A-Za-z0-9-]{0,61}[A-Za-z0-9]$";

/*
 * A container image reference, as Docker and OCI registries read it:
 * [registry[:port]/]repository[:tag][@digest]. The registry is a host name
 * with a dot or a port, or `localhost`; repository components are lower case;
 * a tag is at most 128 characters of letters, digits, `_`, `.` and `-`, not
 * starting with `.` or `-`; a digest is a registered algorithm and its hex.
 */
const HOST_PART = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const REGISTRY = `(?:localhost(?::[0-9]+)?|${HOST_PART}(?:\\.${HOST_PART})+(?::[0-9]+)?|${HOST_PART}:[0-9]+)`;
const PATH_PART = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const TAG = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}';
const DIGEST = '(?:sha256:[a-f0-9]{64}|sha384:[a-f0-9]{96}|sha512:[a-f0-9]{128})';
/** A container image reference, or empty (build the Dockerfile instead). */
export const IMAGE = `^$|^(?=.{1,1024}$)(?:${REGISTRY}/)?${PATH_PART}(?:/${PATH_PART})*(?::${TAG})?(?:@${DIGEST})?$`;

/** What is wrong with an image reference that does not match {@link IMAGE}, for the hint. */
export function imageProblem(ref: string): string {
  if (/\s/.test(ref)) return 'an image reference has no spaces';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(ref)) return 'an image reference has no scheme: drop the https:// (or docker://)';
  const at = ref.indexOf('@');
  const name = at >= 0 ? ref.slice(0, at) : ref;
  if (at >= 0 && !new RegExp(`^${DIGEST}$`).test(ref.slice(at + 1))) return 'a digest is sha256: followed by 64 lower-case hex digits';
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  const tag = colon > slash ? name.slice(colon + 1) : undefined;
  const repo = tag === undefined ? name : name.slice(0, colon);
  if (tag !== undefined && !new RegExp(`^${TAG}$`).test(tag)) return 'a tag is 1 to 128 letters, digits, _ . and -, and does not start with . or -';
  const parts = repo.split('/');
  const first = parts[0] ?? '';
  const path = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost') ? parts.slice(1) : parts;
  if (path.some((p) => /[A-Z]/.test(p))) return 'the repository name is lower case (only the registry host may have capitals)';
  if (path.some((p) => !new RegExp(`^${PATH_PART}$`).test(p))) return 'each part of the repository name is lower-case letters and digits, separated by . _ __ or -';
  return 'the form is [registry/]repository[:tag][@sha256:digest]';
}

/** An ALB listener rule path pattern: /, then up to 127 of the characters AWS allows (with * and ? as wildcards). */
export const ALB_PATH = "^/[A-Za-z0-9_.$/~\"'@:+&*?-]{0,127}$";
/** An ALB health check path: /, then up to 1023 printable ASCII characters without spaces. */
export const HEALTH_PATH = '^/[\\x21-\\x7e]{0,1023}$';
/** An EC2 key pair name: up to 255 printable ASCII characters. */
export const KEY_PAIR_NAME = '^[\\x20-\\x7e]{0,255}$';
