// events.k8s.io has no storage of its own: its Events are core Events seen through events-v1.ts, served as
// `alsoServed` on the core Event strategy. The empty list keeps the per-group index shape uniform.
import type { KindStrategy } from '../../kind';

export const eventsKinds: KindStrategy[] = [];
export { coreEventToEventsV1, eventsV1Info, eventsV1Table, eventsV1ToCoreEvent, validateEventsV1 } from './events-v1';
