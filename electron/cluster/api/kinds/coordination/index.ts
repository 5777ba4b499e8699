import type { KindStrategy } from '../../kind';
import { leaseStrategy } from './lease';

export const coordinationKinds: KindStrategy[] = [leaseStrategy];
export { leaseStrategy };
