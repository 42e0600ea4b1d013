/** Entities → a relational database (PostgreSQL). */
import { dsl, type Pass } from '../context.js';

export const database: Pass = ({ spec, draft }) => {
  if (spec.entities.length === 0) return;
  draft.database = { id: 'database', entities: spec.entities.map((e) => e.name), because: spec.entities.map((e) => dsl('entity', e)) };
};
