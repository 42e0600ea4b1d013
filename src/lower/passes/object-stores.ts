/**
 * Fields of type `file` (or `image`) and `storage=` bindings → object stores.
 * Decided by the field's type and modifiers, never by names: `ref Document`
 * or an enum value `filed` do not create a bucket.
 */
import { dsl, type Pass } from '../context.js';
import type { Because } from '../requirements.js';

const FILE_TYPES = new Set(['file', 'image']);

export const objectStores: Pass = ({ spec, draft }) => {
  const stores = new Map<string, { fields: string[]; because: Because[] }>();
  for (const entity of spec.entities) {
    for (const field of entity.fields) {
      const isFile = field.type.kind === 'scalar' && FILE_TYPES.has(field.type.name);
      if (!isFile && field.storage === undefined) continue;
      const name = field.storage ?? 'files';
      const store = stores.get(name) ?? { fields: [], because: [] };
      store.fields.push(`${entity.name}.${field.name}`);
      store.because.push(dsl('field', { name: `${entity.name}.${field.name}`, span: field.span }));
      stores.set(name, store);
    }
  }
  draft.objectStores = [...stores.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, s]) => ({ id: `store:${name}`, name, fields: s.fields, because: s.because }));
};
