export * from './defaults.js';
export { loadConfig, type ConfigSource, type LoadInput, type ResolvedConfig } from './load.js';
export { DAZZLE_TOML_SCHEMA } from './schema.js';
export { configValues, CONFIG_SHOW_FORMAT_VERSION, showJson, showText, sourceText, type ShownValue } from './show.js';
export * from './vocabulary.js';
export { exampleToml } from './example.js';
export { parseTomlText } from './toml.js';
export { parseSecretRef, type SecretRef, type SecretRefResult } from './secret-ref.js';
