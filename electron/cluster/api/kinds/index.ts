// Every built-in kind the API server serves, in one list.
import type { KindStrategy } from '../kind';
import { coreKinds, events as coreEvents } from './core';
import { coreEventToEventsV1, eventsV1ToCoreEvent, eventsV1Table } from './events';
import { appsKinds } from './apps';
import { batchKinds } from './batch';
import { networkingKinds } from './networking';
import { rbacKinds } from './rbac';
import { storageKinds } from './storage';
import { nodeKinds } from './node';
import { schedulingKinds } from './scheduling';
import { apiregistrationKinds } from './apiregistration';
import { policyKinds } from './policy';
import { autoscalingKinds } from './autoscaling';
import { coordinationKinds } from './coordination';
import { discoveryKinds } from './discovery';
import { certificatesKinds } from './certificates';
import { apiextensionsKinds } from './apiextensions';
import { authorizationKinds } from './authorization';
import { authenticationKinds } from './authentication';
import { admissionregistrationKinds } from './admissionregistration';

export function builtinKinds(): KindStrategy[] {
  // events.k8s.io/v1 Events are the core Events stored under /registry/events, seen through a conversion
  const events: KindStrategy = {
    ...coreEvents,
    alsoServed: [
      ...(coreEvents.alsoServed ?? []),
      { group: 'events.k8s.io', version: 'v1', toStorage: eventsV1ToCoreEvent, fromStorage: coreEventToEventsV1, table: eventsV1Table },
    ],
  };
  const core = coreKinds.map((k) => (k === coreEvents ? events : k));
  return [
    ...core,
    ...appsKinds,
    ...batchKinds,
    ...networkingKinds,
    ...rbacKinds,
    ...storageKinds,
    ...nodeKinds,
    ...schedulingKinds,
    ...policyKinds,
    ...autoscalingKinds,
    ...coordinationKinds,
    ...discoveryKinds,
    ...certificatesKinds,
    ...apiextensionsKinds,
    ...authorizationKinds,
    ...authenticationKinds,
    ...apiregistrationKinds,
    ...admissionregistrationKinds,
  ];
}
