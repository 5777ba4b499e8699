/** Docker's own error text without dockerode's "(HTTP code 404) no such container - " prefix */
export function message(err: unknown): string {
  const e = err as { json?: { message?: string }; message?: string };
  return (e?.json?.message ?? e?.message ?? String(err)).replace(/^\(HTTP code \d+\) [\w ]+ - /, '').trim();
}
