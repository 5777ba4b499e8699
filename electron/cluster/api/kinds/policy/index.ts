import type { KindStrategy } from '../../kind';
import { podDisruptionBudgetStrategy } from './poddisruptionbudget';

export const policyKinds: KindStrategy[] = [podDisruptionBudgetStrategy];
export { podDisruptionBudgetStrategy };
