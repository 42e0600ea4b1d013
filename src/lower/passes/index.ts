/**
 * The lowering passes, in order. Each is one file with one signature; later
 * passes may read what earlier ones produced (the worker runs the schedules;
 * the variables and names passes check everything before them).
 */
import type { Pass } from '../context.js';
import { apiGateway } from './api-gateway.js';
import { cache } from './cache.js';
import { database } from './database.js';
import { ledgerCluster } from './ledger-cluster.js';
import { messaging } from './messaging.js';
import { names } from './names.js';
import { network } from './network.js';
import { nodeGroups } from './node-groups.js';
import { notGeneratedYet } from './not-generated.js';
import { objectStores } from './object-stores.js';
import { regionTypes } from './region-types.js';
import { plainHttp } from './plain-http.js';
import { schedules } from './schedules.js';
import { secrets } from './secrets.js';
import { variables } from './variables.js';
import { webServices } from './web-services.js';
import { worker } from './worker.js';

export const PASSES: readonly (readonly [string, Pass])[] = [
  ['network', network],
  ['database', database],
  ['object-stores', objectStores],
  ['ledger-cluster', ledgerCluster],
  ['messaging', messaging],
  ['schedules', schedules],
  ['worker', worker],
  ['cache', cache],
  ['secrets', secrets],
  ['web-services', webServices],
  ['node-groups', nodeGroups],
  ['api-gateway', apiGateway],
  ['variables', variables],
  ['names', names],
  ['region-types', regionTypes],
  ['not-generated', notGeneratedYet],
  ['plain-http', plainHttp],
];
