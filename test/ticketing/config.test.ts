/**
 * The settings of the ticketing deployment (seed 004) in dazzle.toml: Kafka topics'
 * partitions and replication, checked at their line.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig, type Environment } from '../../src/config/index.js';

const load = (text: string, environment?: Environment) => loadConfig({ path: 'dazzle.toml', text, ...(environment ? { environment } : {}) });

describe('[deploy.kafka] partitions and replication_factor', () => {
  it('are read from the file, with the environment profiles as defaults', () => {
    const dev = load('[deploy.kafka]\nenabled = true\npartitions = 12\n', 'dev');
    expect(dev.value?.deploy.kafka).toMatchObject({ partitions: 12, broker_count: 2, replication_factor: 2 });
    const prod = load('[deploy.kafka]\nenabled = true\n', 'prod');
    expect(prod.value?.deploy.kafka).toMatchObject({ partitions: 6, broker_count: 3, replication_factor: 3 });
  });

  it('a replication factor above the brokers is DZ4120 at its value', () => {
    const r = load('[deploy.kafka]\nenabled = true\nreplication_factor = 3\n', 'dev');
    expect(r.value).toBeUndefined();
    const d = r.diagnostics.find((x) => x.code === 'DZ4120');
    expect(d?.span).toMatchObject({ line: 3, col: 22 });
    expect(d?.hint).toContain('replication_factor = 2');
  });

  it('partitions outside 1-1000 are out of range (DZ4004)', () => {
    const r = load('[deploy.kafka]\npartitions = 0\n');
    expect(r.diagnostics.map((x) => x.code)).toContain('DZ4004');
  });
});
