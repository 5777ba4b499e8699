// The desktop shell: one instance, one hardened window, the typed API over IPC, and the embedded cluster
// started on launch (progress shown in the window) and stopped cleanly on quit.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultDataDir } from './app/paths';
import { appFolders } from './app/app-root';
import { createAppServices, type Session } from './app/services';
import { IPC_EVENT, IPC_INVOKE, isMethod } from './app/ipc-contract';
import type { BrowserWindowLike, ElectronMain, WebContentsLike } from './app/electron-api';
import { toBridgeError } from './web/protocol';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { app, BrowserWindow, ipcMain, session: electronSession } = require('electron') as ElectronMain;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void run();
}

async function run(): Promise<void> {
  const folders = appFolders();
  const dataDir = defaultDataDir();
  const services = createAppServices({ dataDir, mode: 'electron', folders });
  const indexHtml = join(folders.rendererDist, 'index.html');
  const indexUrl = pathToFileURL(indexHtml).href;
  const sessions = new Map<number, Session>();
  // set once the app is ready; handlers registered earlier read it through this holder
  const ui: { win?: BrowserWindowLike } = {};

  app.on('second-instance', () => {
    const w = ui.win;
    if (w) {
      if (w.isMinimized()) w.restore();
      w.focus();
    }
  });

  // only our own page, in our own window, may call the API
  const trusted = (wc: WebContentsLike, frameUrl: string | undefined) => !!ui.win && wc.id === ui.win.webContents.id && frameUrl === indexUrl;
  ipcMain.handle(IPC_INVOKE, async (e, method: unknown, params: unknown) => {
    if (!trusted(e.sender, e.senderFrame?.url.split('#')[0])) return { ok: false, error: { message: 'untrusted sender' } };
    if (!isMethod(method)) return { ok: false, error: { message: `unknown method ${String(method)}` } };
    let s = sessions.get(e.sender.id);
    if (!s) {
      const wc = e.sender;
      s = services.connect((event, payload) => {
        if (!wc.isDestroyed()) wc.send(IPC_EVENT, event, payload);
      });
      sessions.set(wc.id, s);
    }
    try {
      return { ok: true, result: await s.call(method, params as never) };
    } catch (err) {
      return { ok: false, error: toBridgeError(err) };
    }
  });

  await app.whenReady();
  const ses = electronSession.defaultSession;
  ses.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  ses.setPermissionCheckHandler(() => false);
  // the policy is a literal here so electronegativity (npm run lint) can parse and evaluate it
  ses.webRequest.onHeadersReceived((d, cb) =>
    cb({
      responseHeaders: {
        ...(d.responseHeaders ?? {}),
        'Content-Security-Policy': [
          "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        ],
      },
    }),
  );

  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'KubeLab',
    backgroundColor: '#f6f8fa',
    webPreferences: {
      // reviewed for electronegativity's preload check: the sandboxed preload exposes only the typed invoke/event bridge
      preload: join(__dirname, 'preload.cjs'), // eng-disable PRELOAD_JS_CHECK
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      spellcheck: false,
      devTools: !app.isPackaged,
      // a middle click on a link would otherwise open it outside the window-open handler's reach
      disableBlinkFeatures: 'Auxclick',
    },
  });
  const wc = win.webContents;
  // window.open, target=_blank and middle/shift clicks on links all arrive here: the app opens no second window
  wc.setWindowOpenHandler(() => ({ action: 'deny' }));
  wc.on('will-navigate', (ev: { preventDefault(): void }, url: string) => {
    if (url.split('#')[0] !== indexUrl) ev.preventDefault();
  });
  wc.on('will-attach-webview', (ev: { preventDefault(): void }) => ev.preventDefault());
  // a reload creates a new renderer: its old session's subscriptions go, its terminals stay for re-attaching
  wc.on('did-start-navigation', (_e: unknown, _url: string, _inPlace: boolean, isMainFrame: boolean) => {
    if (!isMainFrame) return;
    sessions.get(wc.id)?.dispose();
    sessions.delete(wc.id);
  });
  ui.win = win;
  win.once('ready-to-show', () => win.show());
  await win.loadFile(indexHtml);
  // the window is up first so the cluster's progress is visible while it starts
  // a failure is not lost: the cluster host shows it as the cluster's status ('error') in the window
  services.start().catch(() => undefined);

  let quitting = false;
  app.on('before-quit', (ev: { preventDefault(): void }) => {
    if (quitting) return;
    quitting = true;
    ev.preventDefault();
    for (const s of sessions.values()) s.dispose();
    services.stop().finally(() => app.exit(0));
  });
  app.on('window-all-closed', () => app.quit());
}
