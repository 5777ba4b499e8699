// The kubelet's container log access: CRI log files read with the PodLogOptions semantics, and the
// pod-status rules that decide which run's log exists.
export { readContainerLogs, type ReadLogOptions } from './reader';
export { containerLogSource, type LogSource, type PodStatusLike } from './container-status';
export { parseCriRecord, type CriRecord, type LogLine } from './cri-format';
