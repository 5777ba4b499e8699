// Maps a pod's STATUS text to a colour class; the class also carries a text label, so colour is never the only cue.
export function podTone(status: string): 'ok' | 'warn' | 'bad' | 'done' | 'pending' {
  if (status === 'Running') return 'ok';
  if (status === 'Completed' || status === 'Succeeded') return 'done';
  if (/Pending|ContainerCreating|PodInitializing|^Init:\d|Terminating/.test(status)) return 'pending';
  if (/BackOff|Err|Error|OOMKilled|Failed|Unknown|Invalid|ExitCode|Signal|Evicted/.test(status)) return 'bad';
  return 'warn';
}
