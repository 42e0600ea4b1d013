/** The Messaging stack (not written yet). */
import { header } from '../code.js';
import type { EmitContext, StackSource } from '../model.js';

export function messagingStack(ctx: EmitContext): StackSource {
  const { plan } = ctx;
  const source = `${header('Messaging stack.', plan.app, plan.environment)}
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

export class MessagingStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);
  }
}
`;
  return { name: 'Messaging', className: 'MessagingStack', file: 'lib/messaging-stack.ts', variable: 'messaging', props: [], source };
}
