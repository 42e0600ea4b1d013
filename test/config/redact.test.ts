/**
 * The parts of dazzle.toml that may hold secrets are masked in every
 * diagnostic's code frame, however the file is written (tables, dotted keys,
 * inline tables, arrays, multi-line strings, CRLF, a byte-order mark) and
 * however it is broken. The values here are not shaped like credentials, so
 * only the masks (not the renderer's credential heuristic) keep them out.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSecretPath, loadConfig } from '../../src/config/index.js';
import { secretMasks } from '../../src/config/redact.js';
import { renderText, SourceText, toJson } from '../../src/diagnostics/index.js';

const FILE = 'dazzle.toml';
const SECRET = 'hunter2-swordfish';

/** Everything `check` would print for this text (code frames included), and the JSON. */
function printed(text: string): { text: string; json: string; codes: string[] } {
  const r = loadConfig({ path: FILE, text });
  const sources = new Map([[FILE, new SourceText(FILE, text)]]);
  return { text: renderText(r.diagnostics, { sources }), json: JSON.stringify(r.diagnostics.map(toJson)), codes: r.diagnostics.map((d) => d.code) };
}

const LAYOUTS: readonly (readonly [string, string, string])[] = [
  ['a value and junk after it', `[deploy.secrets]\nk = "${SECRET}" junk\n`, 'DZ0006'],
  ['a list where a string belongs', `[deploy.secrets]\nk = ["${SECRET}", 1]\n`, 'DZ4002'],
  ['a dotted key given twice', `[deploy]\nsecrets.k = "x"\nsecrets.k = "${SECRET}"\n`, 'DZ0006'],
  ['a multi-line string, then a bad name', `[deploy.secrets]\nk = """${SECRET}\n${SECRET}"""\nK = "${SECRET}"\n`, 'DZ4005'],
  ['an unterminated literal string', `[deploy.secrets]\nk = '${SECRET}\n`, 'DZ0006'],
  ['spaces, a comment and a bad name', `[deploy.secrets]\n  Bad   =   "${SECRET}"   # rotated\n`, 'DZ4005'],
  ['CRLF line ends', `[deploy.secrets]\r\nBad = "${SECRET}"\r\n`, 'DZ4005'],
  ['a byte-order mark', `\ufeff[deploy.secrets]\nBad = "${SECRET}"\n`, 'DZ4005'],
  ['a key that does not read', `[deploy.secrets]\nk"ey = "${SECRET}"\n`, 'DZ0006'],
  ['a per-environment secrets table', `[deploy.env.prod.secrets]\nk = "${SECRET}" x\n`, 'DZ0006'],
  ["Dazzle's own [auth], a key named like a secret", `[auth]\nsession_secret = "${SECRET}" x\n`, 'DZ0006'],
  ['an env variable named like a secret, unterminated', `[deploy.compute.env]\nDB_PASSWORD = "${SECRET}\n`, 'DZ0006'],
  ['an env variable named like a secret, wrong type', `[deploy.compute.env]\nAPI_TOKEN = ["${SECRET}"]\n`, 'DZ4002'],
  ['a secret that is no reference', `[deploy.secrets]\nk = "${SECRET}"\n`, 'DZ4019'],
  ['a malformed reference', `[deploy.secrets]\nk = "ssm:${SECRET}/x"\n`, 'DZ4021'],
];

describe('secret values are masked in every frame', () => {
  it.each(LAYOUTS)('%s', (_name, text, code) => {
    const out = printed(text);
    expect(out.codes).toContain(code);
    expect(out.text).not.toContain(SECRET);
    expect(out.json).not.toContain(SECRET);
    // The frame is still there, showing where to look.
    expect(out.text).toMatch(/\n {2}\d+ \| /);
  });

  it('values that are not secrets stay visible', () => {
    const out = printed('[deploy.compute]\ncpu = 256\nmemory = 4096\nimage = "nginx:1"\ndockerfile = "Dockerfile"\n');
    expect(out.text).toContain('memory = 4096');
  });

  it('isSecretPath: [deploy.secrets], a per-environment secrets table, and keys named like secrets', () => {
    expect(isSecretPath(['deploy', 'secrets'])).toBe(true);
    expect(isSecretPath(['deploy', 'secrets', 'api_key'])).toBe(true);
    expect(isSecretPath(['deploy', 'env', 'prod', 'secrets', 'x'])).toBe(true);
    expect(isSecretPath(['deploy', 'compute', 'env', 'DB_PASSWORD'])).toBe(true);
    expect(isSecretPath(['auth', 'jwt_secret'])).toBe(true);
    expect(isSecretPath(['deploy', 'compute', 'env', 'LOG_LEVEL'])).toBe(false);
    expect(isSecretPath(['deploy', 'compute', 'key_name'])).toBe(false);
    expect(isSecretPath(['deploy', 'domain', 'hosted_zone_id'])).toBe(false);
  });

  it('property: a secret under [deploy.secrets] never shows, whatever is inserted around it on its line', () => {
    // Insertions that can break the line but cannot move the value out of the table (no newline, no [, no #).
    const junk = fc.constantFrom('"', "'", '=', ',', '{', '}', ' ', '\\', '1', 'x', '.', '"""', "'''", ']');
    const line = fc.tuple(fc.array(junk, { maxLength: 3 }), fc.array(junk, { maxLength: 3 }), fc.array(junk, { maxLength: 3 }), fc.constantFrom('k', 'Bad_Key', 'k.x', '"q k"'));
    fc.assert(
      fc.property(line, fc.constantFrom('\n', '\r\n'), ([a, b, c, key], eol) => {
        const text = `[deploy]\nregion = "us-east-1"${eol}[deploy.secrets]${eol}${a.join('')}${key} = ${b.join('')}"${SECRET}"${c.join('')}${eol}other = "ssm:/x"${eol}`;
        const out = printed(text);
        expect(out.text).not.toContain(SECRET);
        expect(out.json).not.toContain(SECRET);
      }),
      { seed: 7, numRuns: 400 },
    );
  });

  it('secretMasks never throws on any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        expect(() => secretMasks(text)).not.toThrow();
      }),
      { seed: 11, numRuns: 300 },
    );
  });
});
