/** The linker and the AppSpec IR: typed properties, references, immutability, determinism. */
import { describe, expect, it } from 'vitest';
import { APP, checkTexts } from '../helpers.js';

const PROJECT = {
  'dsl/app.dsl': `${APP}
enum Severity "Severity":
  low
  high

entity Doc "Document":
  id: uuid pk
  severity: Severity required
  scan: file optional storage=uploads
  secret_note: text sensitive
  total: decimal(12,2)=0
  status: enum[draft, filed]=draft
  parent: ref Doc optional
`,
  'dsl/integrations.dsl': `module test.integrations
use test.app

service payments "Payments API":
  spec: url "https://api.example.com/openapi.json"
  auth_profile: oauth2_pkce scopes="read write" audience=payments

webhook DocHook "Doc hook":
  entity: Doc
  events: [created, deleted]
  url: config("DOC_HOOK_URL")

integration crm "CRM":
  uses service payments
  action sync_doc:
    when surface doc_form submitted

llm_model fast "Fast":
  provider: anthropic
  model_id: claude-3-haiku-20240307
  max_tokens: 1024

llm_config:
  default_model: fast
`,
};

describe('link', () => {
  const r = checkTexts(PROJECT);
  const spec = r.value.spec;

  it('checks clean', () => {
    expect(r.diagnostics).toEqual([]);
    expect(spec).toBeDefined();
  });

  it('reads fields: shared enum types, file fields with storage, modifiers and defaults', () => {
    const doc = spec?.entities.find((e) => e.name === 'Doc');
    const f = Object.fromEntries((doc?.fields ?? []).map((x) => [x.name, x]));
    expect(f.severity?.type).toEqual({ kind: 'enum_ref', enum: 'Severity' });
    expect(f.severity?.required).toBe(true);
    expect(f.scan).toMatchObject({ type: { kind: 'scalar', name: 'file', args: [] }, storage: 'uploads', required: false });
    expect(f.secret_note?.sensitive).toBe(true);
    expect(f.total).toMatchObject({ type: { kind: 'scalar', name: 'decimal', args: [12, 2] }, default: '0' });
    expect(f.status).toMatchObject({ type: { kind: 'enum', values: ['draft', 'filed'] }, default: 'draft' });
    expect(f.parent?.type).toEqual({ kind: 'relation', relation: 'ref', target: 'Doc' });
    expect(f.id).toMatchObject({ primaryKey: true, required: true, unique: true });
    expect(f.scan?.span).toMatchObject({ file: 'dsl/app.dsl', line: 11, col: 3 });
  });

  it('reads services, webhooks, integrations and LLM models', () => {
    expect(spec?.services[0]).toMatchObject({
      name: 'payments',
      kind: null,
      spec: { type: 'url', value: 'https://api.example.com/openapi.json' },
      authProfile: { kind: 'oauth2_pkce', options: { scopes: 'read write', audience: 'payments' } },
    });
    expect(spec?.webhooks[0]).toMatchObject({ name: 'DocHook', entity: 'Doc', events: ['created', 'deleted'], url: 'config("DOC_HOOK_URL")' });
    expect(spec?.configReferences).toEqual([{ name: 'DOC_HOOK_URL', usedBy: 'webhook DocHook', span: expect.objectContaining({ line: 11 }) }]);
    expect(spec?.integrations.map((i) => i.name)).toEqual(['crm']);
    expect(spec?.llmModels[0]).toMatchObject({ provider: 'anthropic', modelId: 'claude-3-haiku-20240307', maxTokens: 1024 });
    expect(spec?.modules.map((m) => [m.name, m.files, m.uses])).toEqual([
      ['test.app', ['dsl/app.dsl'], []],
      ['test.integrations', ['dsl/integrations.dsl'], ['test.app']],
    ]);
  });

  it('is immutable and JSON-serialisable', () => {
    expect(Object.isFrozen(spec)).toBe(true);
    expect(Object.isFrozen(spec?.entities[0]?.fields[0]?.span)).toBe(true);
    expect(() => {
      (spec?.entities as unknown as unknown[]).push(1);
    }).toThrow();
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
  });

  it('does not depend on the order the files are given in', () => {
    const reversed = checkTexts(Object.fromEntries(Object.entries(PROJECT).reverse()));
    expect(JSON.stringify(reversed.value.spec)).toBe(JSON.stringify(spec));
  });

  it('resolves the webhook entity and the default LLM model', () => {
    const bad = checkTexts({
      ...PROJECT,
      'dsl/integrations.dsl': PROJECT['dsl/integrations.dsl'].replace('entity: Doc', 'entity: Dok').replace('default_model: fast', 'default_model: fats'),
    });
    expect(bad.diagnostics.map((d) => [d.code, d.span?.line, d.hint])).toEqual([
      ['DZ3004', 9, "did you mean 'Doc'?"],
      ['DZ3010', 24, "did you mean 'fast'?"],
    ]);
  });
});
