import type { KindStrategy } from '../../kind';
import { apiServiceStrategy } from './apiservice';

export const apiregistrationKinds: KindStrategy[] = [apiServiceStrategy];
export { apiServiceStrategy } from './apiservice';
