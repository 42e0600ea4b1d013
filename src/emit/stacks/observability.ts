/** The Observability stack (not written yet). */
import { header } from '../code.js';
import type { EmitContext, StackSource } from '../model.js';

export function observabilityStack(ctx: EmitContext): StackSource {
  const { plan } = ctx;
  const source = `${header('Observability stack.', plan.app, plan.environment)}
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

export class ObservabilityStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);
  }
}
`;
  return { name: 'Observability', className: 'ObservabilityStack', file: 'lib/observability-stack.ts', variable: 'observability', props: [], source };
}
