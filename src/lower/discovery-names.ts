/**
 * Cloud Map (`[deploy.network] namespace`): the private DNS namespace's SSM parameters and the
 * name each ECS service registers under (`<name>.<namespace>`).
 */
import { parameterBase } from './aws-names.js';

/**
 * The SSM parameter the Network stack writes for the namespace (the stacks that register services
 * read it; the namespace's ARN is built from its ID).
 */
export function namespaceParameters(app: string, environment: string): { readonly id: string } {
  return { id: `${parameterBase(app, environment)}/network/namespace/id` };
}

/**
 * The DNS label a service registers under: its name in lower case with `-` for anything else
 * (`ticketing_service` → `ticketing-service`), at most 63 characters.
 */
export function discoveryName(name: string): string {
  const label = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'service';
  return label.slice(0, 63).replace(/-+$/, '');
}
