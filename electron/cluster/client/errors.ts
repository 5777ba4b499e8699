// Recognising API errors (Status objects, thrown by every Client call) by their HTTP code.

export function isStatus(err: unknown, ...codes: number[]): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'number' && codes.includes(code);
}
export const isNotFound = (err: unknown): boolean => isStatus(err, 404);
