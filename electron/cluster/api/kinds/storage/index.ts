import type { KindStrategy } from '../../kind';
import { csiDriverStrategy, csiNodeStrategy, volumeAttachmentStrategy } from './csi';
import { storageClassStrategy } from './storageclass';

export const storageKinds: KindStrategy[] = [storageClassStrategy, csiDriverStrategy, csiNodeStrategy, volumeAttachmentStrategy];
export { storageClassStrategy, csiDriverStrategy, csiNodeStrategy, volumeAttachmentStrategy };
export { isDefaultStorageClass, DEFAULT_CLASS_ANNOTATION } from './storageclass';
