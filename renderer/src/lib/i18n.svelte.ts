// UI language: every label here, and lab text through loc(). Switching re-renders everything that reads it.
import type { Lang, Localized } from '../../../electron/app/ipc-contract';

const EN = {
  'nav.home': 'Course', 'nav.cluster': 'Cluster', 'nav.network': 'Network', 'nav.yaml': 'YAML editor', 'nav.progress': 'Progress', 'nav.settings': 'Settings',
  'app.skip': 'Skip to content',
  'cluster.profile': 'Cluster', 'cluster.defaultProfile': 'default', 'lab.checkDetail': 'Details for lab authors',
  'lab.wrongCluster': 'This lab needs its own cluster ({profile}); the running one does not fit:', 'lab.startCluster': "Start this lab's cluster",
  'lab.startingCluster': "Starting this lab's cluster…", 'lab.otherLab': 'The cluster still holds lab {lab}. Starting this lab first returns the cluster to how it was before {lab} (its objects go; your progress stays).',
  'lab.startHere': 'Start this lab', 'lab.onOwnCluster': "Runs on this lab's own cluster ({profile}).",
  'cluster.starting': 'Starting your cluster…', 'cluster.ready': 'Cluster ready', 'cluster.error': 'The cluster failed to start', 'cluster.stopped': 'Cluster stopped',
  'home.title': 'Kubernetes introductory course', 'home.subtitle': '30 chapters, hands-on labs graded by your own cluster.',
  'home.progress': '{done} of {total} labs passed', 'home.noLab': 'Lab in preparation', 'home.open': 'Open lab',
  'status.not-started': 'Not started', 'status.in-progress': 'In progress', 'status.passed': 'Passed',
  'lab.steps': 'Steps', 'lab.check': 'Check', 'lab.checking': 'Checking…', 'lab.hint': 'Hint', 'lab.nextHint': 'Next hint', 'lab.noMoreHints': 'No more hints',
  'lab.solution': 'Show solution', 'lab.solveConfirm': 'Apply the reference solution of this step (and of earlier steps that do not pass yet) to your cluster? Your report will record, for each of those steps, that its solution was applied, with the time.',
  'lab.reset': 'Reset lab', 'lab.resetConfirm': 'Return the cluster to how it was before this lab and run its setup again? Your report keeps everything so far (passes, hints, solutions) and records the reset as the start of a new attempt.', 'lab.confirm': 'Yes, continue', 'lab.cancel': 'Cancel',
  'lab.run': 'Run in terminal', 'lab.copy': 'Copy', 'lab.copied': 'Copied', 'lab.passed': 'Step passed', 'lab.failed': 'Not yet',
  'lab.allPassed': 'All steps passed — well done!', 'lab.back': 'All chapters', 'lab.step': 'Step {n}',
  'term.new': 'New terminal', 'term.close': 'Close terminal', 'term.exited': '[process exited with code {code}]', 'term.tab': 'Terminal {n}',
  'cv.nodes': 'Nodes', 'cv.events': 'Events', 'cv.unscheduled': 'Not scheduled', 'cv.restarts': 'restarts', 'cv.owner': 'owned by',
  'cv.yaml': 'YAML', 'cv.describe': 'Describe', 'cv.objEvents': 'Events', 'cv.logs': 'Logs', 'cv.close': 'Close', 'cv.namespace': 'Namespace',
  'cv.all': 'All namespaces', 'cv.powerOff': 'Power off', 'cv.powerOn': 'Power on', 'cv.noEvents': 'No events yet', 'cv.loading': 'Loading…',
  'yaml.title': 'YAML editor', 'yaml.apply': 'Apply', 'yaml.dryRun': 'Server dry run', 'yaml.ok': 'Applied', 'yaml.namespace': 'Default namespace',
  'settings.title': 'Settings', 'settings.language': 'Language', 'settings.runtime': 'Container runtime', 'settings.runtimeNote': 'Takes effect when the cluster restarts.',
  'settings.dockerChecking': 'Checking for Docker…', 'settings.dockerFound': 'Found', 'settings.dockerNodes': 'in use on nodes', 'settings.dockerMissing': 'Docker is not available, so the cluster stays on the simulator:',
  'settings.reset': 'Reset the cluster', 'settings.resetConfirm': 'Delete every object in the cluster and start a fresh one? Lab progress is kept.',
  'settings.dataDir': 'Data folder', 'settings.kubectl': 'kubectl', 'settings.noKubectl': 'not found', 'settings.fontSize': 'Terminal font size', 'settings.version': 'Version',
  'progress.title': 'Your progress', 'progress.export': 'Export signed report', 'progress.lab': 'Lab', 'progress.status': 'Status', 'progress.steps': 'Steps',
  'error.generic': 'Something went wrong: {msg}',
  'net.title': 'Reachability', 'net.port': 'Port (TCP)', 'net.badPort': 'The port must be a number from 1 to 65535.',
  'net.intro': 'Can a new connection from the pod of the row reach the pod of the column? Computed by the NetworkPolicy engine the pod network enforces; hover or click a cell for the deciding policies.',
  'net.policies': '{n} NetworkPolicies', 'net.fromTo': 'from ↓ to →', 'net.allowed': 'allowed', 'net.denied': 'denied',
  'net.pick': 'Click a cell to see why.', 'net.noPods': 'No pods with a pod IP in these namespaces yet.',
};
type Key = keyof typeof EN;
const ZH: Record<Key, string> = {
  'nav.home': '课程', 'nav.cluster': '集群', 'nav.network': '网络', 'nav.yaml': 'YAML 编辑器', 'nav.progress': '进度', 'nav.settings': '设置',
  'app.skip': '跳到正文',
  'cluster.profile': '集群', 'cluster.defaultProfile': '默认', 'lab.checkDetail': '给实验作者的详细信息',
  'lab.wrongCluster': '本实验需要自己的集群（{profile}）；当前运行的集群不适合：', 'lab.startCluster': '启动本实验的集群',
  'lab.startingCluster': '正在启动本实验的集群…', 'lab.otherLab': '集群上仍保留着实验 {lab}。开始本实验会先把集群恢复到 {lab} 开始之前的样子（它创建的对象会被删除；你的进度会保留）。',
  'lab.startHere': '开始本实验', 'lab.onOwnCluster': '本实验运行在它自己的集群（{profile}）上。',
  'cluster.starting': '正在启动集群…', 'cluster.ready': '集群已就绪', 'cluster.error': '集群启动失败', 'cluster.stopped': '集群已停止',
  'home.title': 'Kubernetes 入门公开课', 'home.subtitle': '30 个章节，由你自己的集群自动评分的动手实验。',
  'home.progress': '已通过 {done} / {total} 个实验', 'home.noLab': '实验筹备中', 'home.open': '打开实验',
  'status.not-started': '未开始', 'status.in-progress': '进行中', 'status.passed': '已通过',
  'lab.steps': '步骤', 'lab.check': '检查', 'lab.checking': '检查中…', 'lab.hint': '提示', 'lab.nextHint': '下一条提示', 'lab.noMoreHints': '没有更多提示了',
  'lab.solution': '查看答案', 'lab.solveConfirm': '要把本步骤（以及前面尚未通过的步骤）的参考答案应用到你的集群吗？报告会为这些步骤分别记录“已应用答案”及其时间。',
  'lab.reset': '重置实验', 'lab.resetConfirm': '把集群恢复到开始本实验之前的样子，并重新运行实验的准备步骤？报告会保留到目前为止的全部记录（通过、提示、答案），并把这次重置记为一次新的尝试。', 'lab.confirm': '确定', 'lab.cancel': '取消',
  'lab.run': '在终端中运行', 'lab.copy': '复制', 'lab.copied': '已复制', 'lab.passed': '步骤已通过', 'lab.failed': '尚未通过',
  'lab.allPassed': '所有步骤均已通过，做得好！', 'lab.back': '全部章节', 'lab.step': '第 {n} 步',
  'term.new': '新建终端', 'term.close': '关闭终端', 'term.exited': '[进程已退出，退出码 {code}]', 'term.tab': '终端 {n}',
  'cv.nodes': '节点', 'cv.events': '事件', 'cv.unscheduled': '未调度', 'cv.restarts': '次重启', 'cv.owner': '属于',
  'cv.yaml': 'YAML', 'cv.describe': '详情', 'cv.objEvents': '事件', 'cv.logs': '日志', 'cv.close': '关闭', 'cv.namespace': '命名空间',
  'cv.all': '全部命名空间', 'cv.powerOff': '关机', 'cv.powerOn': '开机', 'cv.noEvents': '暂无事件', 'cv.loading': '加载中…',
  'yaml.title': 'YAML 编辑器', 'yaml.apply': '应用', 'yaml.dryRun': '服务端试运行', 'yaml.ok': '已应用', 'yaml.namespace': '默认命名空间',
  'settings.title': '设置', 'settings.language': '语言', 'settings.runtime': '容器运行时', 'settings.runtimeNote': '集群重启后生效。',
  'settings.dockerChecking': '正在检查 Docker…', 'settings.dockerFound': '已找到', 'settings.dockerNodes': '使用它的节点：', 'settings.dockerMissing': 'Docker 不可用，集群继续使用模拟器：',
  'settings.reset': '重置集群', 'settings.resetConfirm': '删除集群中的所有对象并重新启动一个全新的集群？实验进度会保留。',
  'settings.dataDir': '数据目录', 'settings.kubectl': 'kubectl', 'settings.noKubectl': '未找到', 'settings.fontSize': '终端字号', 'settings.version': '版本',
  'progress.title': '学习进度', 'progress.export': '导出签名报告', 'progress.lab': '实验', 'progress.status': '状态', 'progress.steps': '步骤',
  'error.generic': '出错了：{msg}',
  'net.title': '可达性', 'net.port': '端口（TCP）', 'net.badPort': '端口必须是 1 到 65535 之间的数字。',
  'net.intro': '从行所在的 Pod 发起的新连接能否到达列所在的 Pod？结果由 Pod 网络执行的 NetworkPolicy 引擎计算；悬停或点击单元格可查看起决定作用的策略。',
  'net.policies': '{n} 个 NetworkPolicy', 'net.fromTo': '从 ↓ 到 →', 'net.allowed': '允许', 'net.denied': '拒绝',
  'net.pick': '点击单元格查看原因。', 'net.noPods': '这些命名空间中还没有带 Pod IP 的 Pod。',
};

export const i18n = $state<{ lang: Lang }>({ lang: 'en' });

export function setLang(l: Lang): void {
  i18n.lang = l;
  if (typeof document !== 'undefined') document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
}

export function t(key: Key, vars: Record<string, string | number> = {}): string {
  const s = (i18n.lang === 'zh' ? ZH : EN)[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? `{${k}}`));
}

export function loc(text: Localized | undefined): string {
  if (!text) return '';
  return (i18n.lang === 'zh' ? text.zh || text.en : text.en || text.zh) ?? '';
}
