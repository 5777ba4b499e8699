// The Status documents written on the error channel (3) at the end of an exec/attach, as the API server's
// WebSocket stream translator writes them (no kind/apiVersion, `metadata: {}` always present).
import { StatusError } from '../../../api/errors';

export interface ChannelStatus {
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { causes: { reason?: string; message: string }[] };
  code?: number;
}

export const successStatus = (): ChannelStatus => ({ metadata: {}, status: 'Success' });

/** kubectl turns this into "command terminated with exit code N" and exits with N */
export function exitCodeStatus(code: number): ChannelStatus {
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: command terminated with exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

/**
 * Everything else the kubelet leg reports becomes an InternalError around its message, which is why kubectl
 * shows e.g. "Internal error occurred: unable to upgrade connection: container not found ("c")".
 */
export function internalStatus(err: unknown): ChannelStatus {
  const m = err instanceof StatusError ? (err.status.message ?? err.message) : err instanceof Error ? err.message : String(err);
  return {
    metadata: {},
    status: 'Failure',
    message: `Internal error occurred: ${m}`,
    reason: 'InternalError',
    details: { causes: [{ message: m }] },
    code: 500,
  };
}
