export * from './types';
export { openStore, type OpenStoreOptions } from './sqlite-store';
export { formatKeyValue, formatStoreEvent, type FormatOptions } from './format';
