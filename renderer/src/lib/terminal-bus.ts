// Lets lab text send a command to a terminal; the panel asks the main process for a tab whose shell is at its prompt.
type Runner = (text: string) => void | Promise<void>;
let active: Runner | undefined;
export function setTerminalRunner(fn: Runner | undefined): void {
  active = fn;
}
export function runInTerminal(command: string): boolean {
  if (!active) return false;
  void active(command.replace(/\n+$/, '').replace(/\n/g, '\r') + '\r');
  return true;
}
