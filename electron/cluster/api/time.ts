// Timestamps as the API serialises them.

const asDate = (at: Date | number) => (typeof at === 'number' ? new Date(at) : at);

/** RFC 3339 with second precision, as metav1.Time serialises */
export function rfc3339(at: Date | number = Date.now()): string {
  return asDate(at).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** RFC 3339 with microseconds, as metav1.MicroTime serialises (leases, events.k8s.io) */
export function rfc3339Micro(at: Date | number = Date.now()): string {
  return asDate(at).toISOString().replace(/Z$/, '000Z');
}
