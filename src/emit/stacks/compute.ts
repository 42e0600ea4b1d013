/** The Compute stack (not written yet). */
import { header } from '../code.js';
import type { EmitContext, StackSource } from '../model.js';

export function computeStack(ctx: EmitContext): StackSource {
  const { plan } = ctx;
  const source = `${header('Compute stack.', plan.app, plan.environment)}
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

export class ComputeStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);
  }
}
`;
  return { name: 'Compute', className: 'ComputeStack', file: 'lib/compute-stack.ts', variable: 'compute', props: [], source };
}
