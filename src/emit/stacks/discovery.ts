/**
 * Cloud Map (`[deploy.network] namespace`): the private DNS namespace the Network stack makes
 * (and publishes by SSM parameters), and each ECS service's registration in it, so that a
 * service's tasks answer at `<service>.<namespace>` (A records of the tasks' addresses).
 */
import { discoveryName } from '../../lower/index.js';
import type { AwsService } from '../../plan/aws.js';
import { commentBlock, str } from '../code.js';
import { because, type EmitContext } from '../model.js';

/** The Network stack's namespace and its two parameters (empty without a namespace). */
export function namespaceCode(ctx: EmitContext): string {
  const { plan, projectRoot } = ctx;
  const ns = plan.aws.network.namespace;
  if (!ns) return '';
  return `${commentBlock(`Cloud Map private DNS namespace ${ns}, resolvable inside the VPC only: every ECS service registers its tasks in it.`, because(plan, 'Network', 'Namespace'), projectRoot, '    ')}
    const namespace = new servicediscovery.PrivateDnsNamespace(this, 'Namespace', {
      name: NAMES.namespace,
      vpc: this.vpc,
      description: ${str(`Service discovery for ${plan.app} (${plan.environment})`)},
    });
    new ssm.StringParameter(this, 'NamespaceIdParameter', {
      parameterName: PARAMETERS.namespaceId,
      stringValue: namespace.namespaceId,
      description: 'The Cloud Map namespace',
    });`;
}

/** The import the namespace needs in a stack that makes or uses it. */
export function namespaceImport(ctx: EmitContext): string {
  return ctx.plan.aws.network.namespace ? "import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';" : '';
}

/** A stack's read of the namespace (the Network stack's, by its parameters), as the variable `namespace`. */
export function namespaceRead(ctx: EmitContext): string[] {
  if (!ctx.plan.aws.network.namespace) return [];
  return [
    '    // The Cloud Map namespace of the Network stack (its ARN is built from its ID).',
    '    const namespaceId = deployTimeValue(this, PARAMETERS.namespaceId);',
    "    const namespace = servicediscovery.PrivateDnsNamespace.fromPrivateDnsNamespaceAttributes(this, 'Namespace', {",
    '      namespaceName: NAMES.namespace,',
    '      namespaceId,',
    "      namespaceArn: this.formatArn({ service: 'servicediscovery', resource: 'namespace', resourceName: namespaceId }),",
    '    });',
  ];
}

/** The `cloudMapOptions` line of an ECS service (empty without a namespace). */
export function cloudMapOptions(ctx: EmitContext, s: Pick<AwsService, 'name'>, indent = '      '): string {
  if (!ctx.plan.aws.network.namespace) return '';
  return `\n${indent}// Registered in Cloud Map: its tasks answer at ${discoveryName(s.name)}.${ctx.plan.aws.network.namespace}.\n${indent}cloudMapOptions: { cloudMapNamespace: namespace, name: ${str(discoveryName(s.name))}, dnsRecordType: servicediscovery.DnsRecordType.A, dnsTtl: Duration.seconds(10) },`;
}
