// Timestamps as the API serialises them.

const asDate = (at: Date | number) => (typeof at === 'number' ? new Date(at) : at);

// every write stamps a time; within one second the text is the same, so keep the last one
let lastSecond = NaN,
  lastText = '';

/** RFC 3339 with second precision, as metav1.Time serialises */
export function rfc3339(at: Date | number = Date.now()): string {
  const ms = typeof at === 'number' ? at : at.getTime();
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastText = new Date(second * 1000).toISOString().slice(0, 19) + 'Z';
    lastSecond = second;
  }
  return lastText;
}

/** RFC 3339 with microseconds, as metav1.MicroTime serialises (leases, events.k8s.io) */
export function rfc3339Micro(at: Date | number = Date.now()): string {
  return asDate(at).toISOString().replace(/Z$/, '000Z');
}
