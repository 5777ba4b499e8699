// The slice of Electron's API the shell uses, typed here because the `electron` package (an optional
// dependency) may be absent: the project must type-check and test without its binary.
export interface WebContentsLike {
  id: number;
  send(channel: string, ...args: unknown[]): void;
  on(event: string, fn: (...args: any[]) => void): void;
  once(event: string, fn: (...args: any[]) => void): void;
  setWindowOpenHandler(fn: (d: { url: string }) => { action: 'deny' | 'allow' }): void;
  isDestroyed(): boolean;
  session: SessionLike;
}
export interface SessionLike {
  setPermissionRequestHandler(fn: (wc: unknown, permission: string, cb: (ok: boolean) => void) => void): void;
  setPermissionCheckHandler(fn: () => boolean): void;
  webRequest: {
    onHeadersReceived(fn: (d: { responseHeaders?: Record<string, string[]> }, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void): void;
  };
}
export interface BrowserWindowLike {
  webContents: WebContentsLike;
  loadFile(path: string): Promise<void>;
  show(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  once(event: string, fn: () => void): void;
  on(event: string, fn: (...args: any[]) => void): void;
}
export interface IpcMainInvokeEventLike {
  sender: WebContentsLike;
  senderFrame: { url: string } | null;
}
export interface ElectronMain {
  app: {
    requestSingleInstanceLock(): boolean;
    quit(): void;
    exit(code?: number): void;
    whenReady(): Promise<void>;
    on(event: string, fn: (...args: any[]) => void): void;
    getPath(name: 'userData'): string;
    setPath(name: 'userData', p: string): void;
    isPackaged: boolean;
  };
  BrowserWindow: new (opts: Record<string, unknown>) => BrowserWindowLike;
  ipcMain: { handle(channel: string, fn: (e: IpcMainInvokeEventLike, ...args: any[]) => unknown): void };
  session: { defaultSession: SessionLike };
  shell: { openExternal(url: string): Promise<void> };
}
export interface ElectronPreload {
  contextBridge: { exposeInMainWorld(key: string, api: unknown): void };
  ipcRenderer: {
    invoke(channel: string, ...args: unknown[]): Promise<unknown>;
    on(channel: string, fn: (e: unknown, ...args: any[]) => void): void;
    removeListener(channel: string, fn: (...args: any[]) => void): void;
  };
}
