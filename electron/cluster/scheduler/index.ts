// Public surface of the scheduler.
export { createScheduler, type Scheduler, type SchedulerOptions } from './scheduler';
export { scheduleOne, type ScheduleResult, type Scheduled, type Unschedulable, type ScheduleOptions } from './schedule-one';
export { buildSnapshot, ClusterSnapshot, type SnapshotInput } from './snapshot';
export { defaultProfile, DEFAULT_SCHEDULER_NAME, type ProfileOptions } from './profile';
export { fitErrorMessage, type Diagnosis } from './fit-error';
export { benchScheduleCore } from './bench';
export type { VolumeBindingHook } from './plugins/volume-binding';
export type { ClusterEvent } from './queue';
export { Code, type Status, type Snapshot, type Profile, type FilterPlugin, type ScorePlugin, type CycleState } from './types';
export type { NodeInfo } from './node-info';
export type { PodInfo } from './pod-info';
