// The services behind the typed API, shared by the Electron shell and the web mode. Each renderer connection is
// a Session: it calls methods and receives the events meant for it (its terminals' output, cluster changes).
import { join } from 'node:path';
import type { ApiEvents, AppInfo, Chapter, EventName, Method, NetworkMatrixQuery, Params, Result } from './ipc-contract';
import { isMethod } from './ipc-contract';
import { checkParams, InvalidParams } from './ipc-params';
import { ClusterHost, type ClusterHostOptions } from './cluster-host';
import { viewAs } from './view-as';
import { checkDockerDaemon, testConnection } from '../cluster';
import { ClusterView, UI_USER } from './cluster-view';
import { applyYaml } from './yaml-apply';
import { networkExplain, networkMatrix, networkPreview, watchNetworkMatrix } from './network-matrix';
import { SettingsStore } from './settings-store';
import { CHAPTERS } from './course';
import type { LabBackend, LabBackendFactory } from './lab-backend';
import { createEngineLabBackend } from './engine-lab-backend';
import { currentProfile, listProfiles } from './cluster-profiles';
import { appFolders, appVersion, type AppFolders } from './app-root';
import { TerminalManager, type TerminalReceiver } from '../terminal/terminal-manager';
import { locateKubectl, locateTool, type KubectlLocation } from '../terminal/kubectl-locate';
import type { FlowOptions } from '../terminal/flow-control';

/** the home page's last group: labs whose chapter is not one of the course's */
const OTHER_LABS = {
  number: 0,
  title: { en: 'Imported labs', zh: '导入的实验' },
  summary: { en: 'Labs outside the course: Killercoda scenarios and lab packs you imported.', zh: '课程之外的实验：导入的 Killercoda 场景和实验包。' },
};

export interface AppServicesOptions {
  dataDir: string;
  mode: 'electron' | 'web';
  folders?: AppFolders;
  labs?: LabBackendFactory;
  cluster?: Omit<ClusterHostOptions, 'dataDir'>;
  shell?: string;
  flow?: FlowOptions;
}

export type Emit = <E extends EventName>(event: E, payload: ApiEvents[E]) => void;

export interface Session {
  call<M extends Method>(method: M, params: Params<M>): Promise<Result<M>>;
  /** the connection went away: stop its subscriptions, keep its terminals for a reconnect */
  dispose(): void;
}

export interface AppServices {
  host: ClusterHost;
  connect(emit: Emit): Session;
  /** starts the cluster (progress goes out as `cluster.status` events) */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createAppServices(opts: AppServicesOptions): AppServices {
  const folders = opts.folders ?? appFolders();
  const settings = new SettingsStore(opts.dataDir);
  const kubectl: KubectlLocation = locateKubectl(folders.bundledBin);
  const helm = locateTool('helm', folders.bundledBin);
  const host = new ClusterHost({
    dataDir: opts.dataDir,
    runtime: settings.get().runtime,
    profile: currentProfile(opts.dataDir),
    kubectlBinary: kubectl.path ?? undefined,
    ...opts.cluster,
  });
  const terminals = new TerminalManager({
    kubeconfigPath: () => host.current?.kubeconfigPath,
    kubectlBinDir: kubectl.binDir,
    toolBinDirs: helm.binDir ? [helm.binDir] : [],
    labsDir: folders.labs,
    kubectlFound: !!kubectl.path,
    stateDir: join(opts.dataDir, 'terminal'),
    shell: opts.shell,
    flow: opts.flow,
  });
  // another profile is another cluster: terminals opened on the old one would talk to a stopped API server
  const useProfile = async (name: string, configFile?: string) => {
    terminals.closeAll();
    await host.useProfile(name, configFile, settings.get().runtime);
  };
  const profiles = () => ({ current: host.profile, profiles: listProfiles(opts.dataDir).map(({ name, created, nodes }) => ({ name, created, nodes })) });
  const labCtx = {
    cluster: () => host.ready(),
    dataDir: opts.dataDir,
    labsDir: folders.labs,
    lang: () => settings.get().language,
    profile: () => host.profile,
    useProfile,
  };
  const labs: LabBackend = (opts.labs ?? createEngineLabBackend)(labCtx);
  let view: ClusterView | undefined;
  type SessionState = { emit: Emit; unwatch?: () => void; net?: { query: NetworkMatrixQuery; off: () => void } };
  const sessions = new Set<SessionState>();
  host.onReady((c) => {
    view?.stop();
    view = new ClusterView(c, () => kubectl.path);
    // re-subscribe watchers after a cluster reset
    for (const s of sessions)
      if (s.unwatch) {
        s.unwatch = view.subscribe((snap) => s.emit('cluster.changed', snap));
      }
    for (const s of sessions)
      if (s.net) {
        s.net.off();
        s.net.off = watchNetworkMatrix(c, s.net.query, (m) => s.emit('network.changed', m));
      }
  });
  host.onStatus((st) => {
    for (const s of sessions) s.emit('cluster.status', st);
  });
  const readyView = async () => {
    await host.ready();
    await view!.synced();
    return view!;
  };

  const info: AppInfo = {
    version: appVersion(folders.root),
    mode: opts.mode,
    dataDir: opts.dataDir,
    platform: `${process.platform}-${process.arch}`,
    kubectl: { path: kubectl.path, source: kubectl.source },
    helm: { path: helm.path, source: helm.source },
  };

  function connect(emit: Emit): Session {
    const state: SessionState = { emit };
    sessions.add(state);
    const receiver: TerminalReceiver = {
      data: (id, data) => emit('term.data', { id, data }),
      exit: (id, code) => emit('term.exit', { id, code }),
    };
    const handlers: { [M in Method]: (p: Params<M>) => Promise<Result<M>> | Result<M> } = {
      'app.info': () => info,
      'runtime.docker': async () => {
        const c = host.getStatus().phase === 'ready' ? await host.ready() : undefined;
        const nodes = c ? c.nodes.names().filter((n) => c.nodes.runtime(n).name === 'docker') : [];
        return { ...(await checkDockerDaemon()), nodes };
      },
      'cluster.status': () => host.getStatus(),
      'cluster.snapshot': async () => (await readyView()).snapshot(),
      'cluster.watch': async () => {
        const v = await readyView();
        state.unwatch?.();
        state.unwatch = v.subscribe((snap) => emit('cluster.changed', snap));
        return v.snapshot();
      },
      'cluster.unwatch': () => {
        state.unwatch?.();
        state.unwatch = undefined;
      },
      'cluster.object': async (ref) => (await readyView()).details(ref),
      'cluster.viewAs': async (subject) => viewAs((await host.ready()).kubeconfigPath, subject),
      'cluster.nodePower': async ({ name, on }) => {
        const c = await host.ready();
        await (on ? c.nodes.powerOn(name) : c.nodes.powerOff(name));
      },
      'network.matrix': async (q) => networkMatrix(await host.ready(), q),
      'network.explain': async (q) => networkExplain(await host.ready(), q),
      'network.preview': async (q) => networkPreview(await host.ready(), q),
      'network.watch': async (q) => {
        const c = await host.ready();
        state.net?.off();
        state.net = { query: q, off: watchNetworkMatrix(c, q, (m) => emit('network.changed', m)) };
        return networkMatrix(c, q);
      },
      'network.unwatch': () => {
        state.net?.off();
        state.net = undefined;
      },
      'network.trace': async (q) => {
        const c = await host.ready();
        const network = c.nodes.clusterNetwork?.network;
        if (!network) throw new Error('this cluster runs without the cluster network component: there is no path to trace');
        return testConnection({ client: c.client(UI_USER, 'kubelab-ui'), network, policy: c.networkPolicy }, q);
      },
      'cluster.reset': async () => {
        terminals.closeAll();
        await host.reset(settings.get().runtime);
      },
      'cluster.profiles': () => profiles(),
      'cluster.useProfile': async ({ name }) => {
        if (!profiles().profiles.some((p) => p.name === name))
          throw new Error(`no cluster profile "${name}"; a lab with its own topology creates one with "Start this lab's cluster"`);
        await useProfile(name);
        return profiles();
      },
      'labs.list': async () => {
        const all = await labs.list();
        const course = CHAPTERS.map((ch): Chapter => ({ ...ch, labs: all.filter((l) => l.chapter === ch.number) }));
        // labs outside the course (chapter 0: imported Killercoda scenarios, packs) come after it, not hidden
        const other = all.filter((l) => !CHAPTERS.some((ch) => ch.number === l.chapter));
        return other.length ? [...course, { ...OTHER_LABS, labs: other }] : course;
      },
      'labs.get': ({ id }) => labs.get(id),
      'labs.start': ({ id }) => labs.start(id),
      'labs.startCluster': ({ id }) => labs.startCluster(id),
      'labs.check': ({ id }) => labs.check(id),
      'labs.hint': ({ id, stepId, index }) => labs.hint(id, stepId, index),
      'labs.solve': ({ id, stepId }) => labs.solve(id, stepId),
      'labs.solution': ({ id, stepId }) => labs.solution(id, stepId),
      'labs.reset': ({ id }) => labs.reset(id),
      'labs.cancel': async ({ id }) => ({ cancelled: await labs.cancel(id) }),
      'labs.active': () => labs.active(),
      'labs.report': () => labs.report(),
      'yaml.apply': async ({ yaml, dryRun, namespace }) => {
        const c = await host.ready();
        return applyYaml(c.client(UI_USER, 'kubelab-ui'), c.catalog, yaml, dryRun, namespace);
      },
      'term.open': async ({ cols, rows }) => {
        await host.ready();
        return terminals.open(cols, rows, receiver);
      },
      'term.list': () => terminals.list(),
      'term.run': async ({ command, prefer, cols, rows }) => {
        await host.ready();
        return terminals.run(command, receiver, prefer, cols, rows);
      },
      'term.attach': ({ id }) => terminals.attach(id, receiver),
      'term.write': ({ id, data }) => terminals.write(id, data),
      'term.resize': ({ id, cols, rows }) => terminals.resize(id, cols, rows),
      'term.ack': ({ id, chars }) => terminals.ack(id, chars),
      'term.close': ({ id }) => terminals.close(id),
      'settings.get': () => settings.get(),
      'settings.set': (patch) => {
        const s = settings.set(patch);
        for (const x of sessions) x.emit('settings.changed', s);
        return s;
      },
    };
    return {
      async call(method, params) {
        if (!isMethod(method)) throw new InvalidParams(`unknown method ${JSON.stringify(String(method).slice(0, 80))}`);
        return (handlers[method] as (p: unknown) => Promise<Result<typeof method>>)(checkParams(method, params));
      },
      dispose() {
        state.unwatch?.();
        state.net?.off();
        sessions.delete(state);
        terminals.detachReceiver(receiver);
      },
    };
  }

  return {
    host,
    connect,
    async start() {
      await host.start(settings.get().runtime);
    },
    async stop() {
      terminals.closeAll();
      view?.stop();
      view = undefined;
      await host.stop();
    },
  };
}
