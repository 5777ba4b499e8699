import type { KindStrategy } from '../../kind';
import { priorityClassStrategy } from './priorityclass';

export const schedulingKinds: KindStrategy[] = [priorityClassStrategy];
export { priorityClassStrategy, SYSTEM_PRIORITY_CLASSES } from './priorityclass';
