/** The TigerBeetle stack (not written yet). */
import { header } from '../code.js';
import type { EmitContext, StackSource } from '../model.js';

export function tigerBeetleStack(ctx: EmitContext): StackSource {
  const { plan } = ctx;
  const source = `${header('TigerBeetle stack.', plan.app, plan.environment)}
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

export class TigerBeetleStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);
  }
}
`;
  return { name: 'TigerBeetle', className: 'TigerBeetleStack', file: 'lib/tigerbeetle-stack.ts', variable: 'tigerBeetle', props: [], source };
}
