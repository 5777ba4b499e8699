import type { KindStrategy } from '../../kind';
import { endpointSliceStrategy } from './endpointslice';

export const discoveryKinds: KindStrategy[] = [endpointSliceStrategy];
export { endpointSliceStrategy };
