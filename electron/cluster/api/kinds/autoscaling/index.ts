import type { KindStrategy } from '../../kind';
import { horizontalPodAutoscalerStrategy } from './horizontalpodautoscaler';

export const autoscalingKinds: KindStrategy[] = [horizontalPodAutoscalerStrategy];
export { horizontalPodAutoscalerStrategy };
export { hpaV1ToV2, hpaV2ToV1 } from './hpa-convert';
