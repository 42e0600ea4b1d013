/**
 * Keeping secrets out of what the compiler prints. Two sources of knowledge
 * meet here:
 *
 * - the stage that read a file knows which parts of it hold secrets (the values
 *   under `[deploy.secrets]`, say) and marks them on its diagnostics as
 *   {@link Mask}s, ranges of the source that no code frame may show;
 * - anything shaped like a credential (an AWS access key, a Stripe or GitHub
 *   token, a JWT, a private key, a long random string) is hidden wherever it
 *   appears, in a frame or in a message, whoever wrote the diagnostic.
 *
 * The renderers apply both, so no stage has to remember to.
 */

/** A range of a diagnostic's source file that must not be shown: from (line, col) to (endLine, endCol), 1-based, end exclusive. */
export interface Mask {
  readonly line: number;
  readonly col: number;
  readonly endLine: number;
  readonly endCol: number;
}

/** What a hidden range is replaced with. */
export const REDACTED = '<redacted>';

/**
 * Credentials with a recognisable shape. Each names the provider, so a
 * reviewer can tell why a pattern is here; add a provider's documented
 * token prefix when one is missing.
 */
const TOKEN_PATTERNS: readonly RegExp[] = [
  // AWS access key IDs (long-term AKIA, temporary ASIA, and the other IAM unique-ID prefixes).
  /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA)[A-Z0-9]{16}\b/g,
  // Stripe secret, restricted and publishable keys, and webhook signing secrets.
  /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{8,}/g,
  /\bwhsec_[A-Za-z0-9]{16,}/g,
  // GitHub personal, OAuth, user-to-server, server-to-server and refresh tokens; fine-grained PATs.
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}/g,
  // GitLab personal access tokens.
  /\bglpat-[A-Za-z0-9_-]{20,}/g,
  // Slack bot, user, app and configuration tokens.
  /\bxox[abposre]-[A-Za-z0-9-]{10,}/g,
  // Google API keys.
  /\bAIza[0-9A-Za-z_-]{35}/g,
  // OpenAI and Anthropic API keys.
  /\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}/g,
  // npm access tokens.
  /\bnpm_[A-Za-z0-9]{36}/g,
  // SendGrid API keys.
  /\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/g,
  // JSON Web Tokens (a header and a payload, both base64url JSON objects).
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
  // PEM private keys: from the BEGIN line to the END line, or to the end of the text.
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
  // The password in a URL's user information (postgres://user:password@host).
  /(?<=[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:)[^\s/@]+(?=@)/gi,
];

/** Runs of base64 / base64url / hex characters long enough to be a generated secret. */
const RUN = /[A-Za-z0-9+/=_-]{24,}/g;
const HEX = /(?<![A-Za-z0-9])[0-9a-fA-F]{32,}(?![A-Za-z0-9])/g;

function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / s.length) * Math.log2(n / s.length);
  return h;
}

const charClass = (c: string): number => (c >= 'A' && c <= 'Z' ? 0 : c >= 'a' && c <= 'z' ? 1 : c >= '0' && c <= '9' ? 2 : 3);

/**
 * A random-looking string: mixed case with a digit, a high Shannon entropy,
 * and letters and digits that change class often. Words in CamelCase or a path
 * of names change class about once in four characters; a generated secret
 * about every other character. (`/Company/Payments/ApiKeyV2` is shown; an AWS
 * secret access key is not.)
 */
function looksRandom(run: string): boolean {
  const s = run.replace(/^[=_/+-]+|[=_/+-]+$/g, '');
  if (s.length < 24 || !/[A-Z]/.test(s) || !/[a-z]/.test(s) || !/[0-9]/.test(s)) return false;
  // A CloudFormation logical ID from aws-cdk: the words of its construct path and an 8-digit hex hash (LoadBalancerSecurityGroup3036A0FC).
  if (/^[A-Za-z][A-Za-z0-9]*[0-9A-F]{8}$/.test(s) && isWords(s.slice(0, -8))) return false;
  return switchRatio(s) >= 0.3 && entropy(s) >= 4;
}

/** CamelCase words, acronyms and numbers, 3.5 characters a word or longer on average (random text makes many short "words"). */
function isWords(s: string): boolean {
  const words = s.match(/[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+/g) ?? [];
  return words.length > 0 && words.join('') === s && s.length / words.length >= 3.5;
}

/** How often consecutive letters and digits change class (upper, lower, digit); separators end a word. */
function switchRatio(s: string): number {
  let switches = 0;
  let pairs = 0;
  for (let i = 1; i < s.length; i++) {
    const a = charClass(s[i - 1] as string);
    const b = charClass(s[i] as string);
    // A separator (/ - _ + =) is where a word ends, not a change inside one.
    if (a === 3 || b === 3) continue;
    pairs++;
    if (a !== b) switches++;
  }
  return pairs > 0 ? switches / pairs : 0;
}

/** A long hex string (an API key or a hash-derived secret), except a digest that says what it is (`sha256:…`). */
function isSecretHex(text: string, start: number, run: string): boolean {
  return /[0-9]/.test(run) && /[a-fA-F]/.test(run) && !/(?:sha(?:1|224|256|384|512)|md5):$/i.test(text.slice(Math.max(0, start - 8), start));
}

/** The ranges `[start, end)` of `text` that look like credentials, sorted and merged. */
export function credentialRanges(text: string): Array<readonly [number, number]> {
  const found: Array<[number, number]> = [];
  for (const re of TOKEN_PATTERNS) for (const m of text.matchAll(re)) found.push([m.index, m.index + m[0].length]);
  for (const m of text.matchAll(RUN)) if (looksRandom(m[0])) found.push([m.index, m.index + m[0].length]);
  for (const m of text.matchAll(HEX)) if (isSecretHex(text, m.index, m[0])) found.push([m.index, m.index + m[0].length]);
  return merge(found);
}

function merge(ranges: Array<readonly [number, number]>): Array<readonly [number, number]> {
  const sorted = [...ranges].filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: Array<[number, number]> = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** Text with every credential-shaped part replaced by {@link REDACTED}. */
export function redactText(text: string): string {
  return redactRanges(text, credentialRanges(text)).text;
}

/** The result of hiding ranges of a line: the text shown, and where an index of the original lands in it. */
export interface Redacted {
  readonly text: string;
  /** Index in `text` of index `i` of the original (an index inside a hidden range lands on its placeholder). */
  readonly at: (i: number, side: 'start' | 'end') => number;
}

/** Replace each range `[start, end)` of `text` (sorted, not overlapping) with {@link REDACTED}. */
export function redactRanges(text: string, ranges: ReadonlyArray<readonly [number, number]>): Redacted {
  const merged = merge(ranges.map(([a, b]) => [Math.max(0, a), Math.min(text.length, b)] as const));
  if (merged.length === 0) return { text, at: (i) => i };
  let out = '';
  let pos = 0;
  const spans: Array<{ readonly from: number; readonly to: number; readonly shown: number }> = [];
  for (const [a, b] of merged) {
    out += text.slice(pos, a);
    spans.push({ from: a, to: b, shown: out.length });
    out += REDACTED;
    pos = b;
  }
  out += text.slice(pos);
  const at = (i: number, side: 'start' | 'end'): number => {
    let shift = 0;
    for (const s of spans) {
      if (i < s.from) break;
      if (i < s.to || (side === 'end' && i === s.to)) return side === 'start' ? s.shown : s.shown + REDACTED.length;
      shift += REDACTED.length - (s.to - s.from);
    }
    return i + shift;
  };
  return { text: out, at };
}

/** Characters that make a terminal show something other than the text (controls, line separators, bidirectional overrides, invisible marks). */
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** Unprintable characters (except tab and line feed) written as `\uXXXX`. */
export function escapeUnprintable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Message text safe to print: credentials hidden, unprintable characters written as `\uXXXX`. */
export function safeText(text: string): string {
  return escapeUnprintable(redactText(text));
}
