// Event object names as client-go's recorder makes them: "<involved name>.<unix nanoseconds in hex>".
// Milliseconds·10⁶ is beyond float precision, so the sub-millisecond counter is added with BigInt; the
// counter is process-wide so recorders in different components never collide within one millisecond.
let seq = 0n;

export function eventName(involvedName: string, at: Date | number = Date.now()): string {
  const ms = typeof at === 'number' ? at : at.getTime();
  seq = (seq + 1n) % 1_000_000n;
  return `${involvedName}.${(BigInt(Math.floor(ms)) * 1_000_000n + seq).toString(16)}`;
}
