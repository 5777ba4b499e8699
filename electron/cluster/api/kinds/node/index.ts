import type { KindStrategy } from '../../kind';
import { runtimeClassStrategy } from './runtimeclass';

export const nodeKinds: KindStrategy[] = [runtimeClassStrategy];
export { runtimeClassStrategy };
