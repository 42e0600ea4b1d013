/**
 * `deploy diff`: what a change does to the deployed infrastructure, offline.
 * A stage beside synth: pure functions from the two sides (templates, version
 * file, plan) to the report; only `cli` reads folders, git and the clock.
 */
export { diffDeployments, failsOn } from './diff.js';
export { diffJson, diffMarkdown, diffText } from './render.js';
export { provenanceIndex, type Provenance, type ProvenanceIndex } from './provenance.js';
export * from './model.js';
