/**
 * The names of the Kafka stack (`[deploy.kafka]`): the cluster, its topics, the consumer
 * group prefix and the SSM parameters it writes. One rule for the plan, the variables the
 * services receive and the generated code; every name carries the environment.
 */
import { parameterBase, scoped } from './aws-names.js';

/** The port of IAM-authenticated client connections (TLS). */
export const KAFKA_IAM_PORT = 9098;

/** Kafka's limit on a topic name (and so on a consumer group prefix). */
const TOPIC_NAME_LIMIT = 249;
/** MSK's limit on a cluster name. */
const CLUSTER_NAME_LIMIT = 64;

const clean = (x: string) => x.replace(/[^A-Za-z0-9._-]+/g, '-');

/** A Kafka topic name: `<app>-<env>-<name>` (letters, digits, `.`, `_`, `-`; at most 249). */
export function kafkaTopicName(app: string, environment: string, name: string): string {
  return scoped(clean(app), environment, clean(name), TOPIC_NAME_LIMIT);
}

/** The start of every consumer group ID the services may use: `<app>-<env>-`. */
export function kafkaConsumerGroupPrefix(app: string, environment: string): string {
  return `${scoped(clean(app), environment, null, TOPIC_NAME_LIMIT - 1)}-`;
}

/** The MSK cluster name: `<app>-<env>` (letters, digits and hyphens, a letter or digit first; at most 64). */
export function kafkaClusterName(app: string, environment: string): string {
  const part = app.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'app';
  return scoped(part, environment, null, CLUSTER_NAME_LIMIT);
}

/** The SSM parameters the Kafka stack writes for the Compute stack. */
export function kafkaParameters(app: string, environment: string): { readonly bootstrapServers: string; readonly clusterArn: string } {
  const base = parameterBase(app, environment);
  return { bootstrapServers: `${base}/kafka/bootstrap-servers`, clusterArn: `${base}/kafka/cluster-arn` };
}
