import type { KindStrategy } from '../../kind';
import { ingressStrategy } from './ingress';
import { ingressClassStrategy } from './ingressclass';
import { networkPolicyStrategy } from './networkpolicy';

export const networkingKinds: KindStrategy[] = [networkPolicyStrategy, ingressStrategy, ingressClassStrategy];
export { networkPolicyStrategy, ingressStrategy, ingressClassStrategy };
