export { CATALOGUE, type CatalogueEntry, type DiagnosticCode, type Phase, type Severity } from './catalogue.js';
export {
  diag,
  hasErrors,
  InternalError,
  quote,
  sortDiagnostics,
  type Diagnostic,
  type DiagnosticInit,
  type RelatedLocation,
  type Result,
} from './diagnostic.js';
export { credentialRanges, escapeUnprintable, REDACTED, redactRanges, redactText, safeText, type Mask, type Redacted } from './redact.js';
export { location, renderText, summary, toJson, type RenderOptions } from './render.js';
export { fileSpan, SourceText, type Position, type Span } from './source.js';
export { closest, didYouMean, editDistance } from './suggest.js';
