import type { KindStrategy } from '../../kind';
import { customResourceDefinitionStrategy } from './customresourcedefinition';

export const apiextensionsKinds: KindStrategy[] = [customResourceDefinitionStrategy];
export { customResourceDefinitionStrategy };
