import type { KindStrategy } from '../../kind';
import { certificateSigningRequestStrategy } from './certificatesigningrequest';

export const certificatesKinds: KindStrategy[] = [certificateSigningRequestStrategy];
export { certificateSigningRequestStrategy };
export { csrCondition, csrRequestProblem } from './certificatesigningrequest';
