/** The Data stack (not written yet). */
import { header } from '../code.js';
import type { EmitContext, StackSource } from '../model.js';

export function dataStack(ctx: EmitContext): StackSource {
  const { plan } = ctx;
  const source = `${header('Data stack.', plan.app, plan.environment)}
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

export class DataStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);
  }
}
`;
  return { name: 'Data', className: 'DataStack', file: 'lib/data-stack.ts', variable: 'data', props: [], source };
}
