// The 30 chapters of the CNCF × Alibaba Cloud introductory Kubernetes course (see COURSE.md), in both languages.
import type { Localized } from './ipc-contract';

export interface CourseChapter {
  number: number;
  title: Localized;
  summary: Localized;
}

const C = (number: number, en: string, zh: string, sEn: string, sZh: string): CourseChapter => ({ number, title: { en, zh }, summary: { en: sEn, zh: sZh } });

export const CHAPTERS: CourseChapter[] = [
  C(
    1,
    'First cloud-native lesson',
    '第一堂“云原生”课',
    'Explore the cluster: nodes, API resources, namespaces, explain.',
    '探索集群：节点、API 资源、命名空间与 explain。',
  ),
  C(
    2,
    'Container basics',
    '容器基本概念',
    'Run a pod and exec into it: PID 1, hostname, its own filesystem, logs.',
    '运行 Pod 并进入容器：PID 1、主机名、独立文件系统、日志。',
  ),
  C(
    3,
    'Core concepts and API primitives',
    'Kubernetes 核心概念',
    'Declarative API, the Pending → Running flow, events, labels, self-healing.',
    '声明式 API、Pending → Running 流程、事件、标签与自愈。',
  ),
  C(
    4,
    'Pods and container design patterns',
    '理解 Pod 和容器设计模式',
    'Sidecars sharing a volume, localhost networking, init containers, adapters.',
    '共享卷的 Sidecar、localhost 网络、Init 容器与适配器模式。',
  ),
  C(
    5,
    'Orchestration core: metadata and controllers',
    '应用编排与管理：核心原理',
    'Labels and selectors, annotations, ownerReferences, cascading delete.',
    '标签与选择器、注解、ownerReferences 与级联删除。',
  ),
  C(
    6,
    'Deployment',
    '应用编排与管理：Deployment',
    'Scale, rolling updates, rollout history and undo, pause and resume.',
    '扩缩容、滚动更新、版本历史与回滚、暂停与恢复。',
  ),
  C(
    7,
    'Job and DaemonSet',
    '应用编排与管理：Job & DaemonSet',
    'Jobs with completions and parallelism, CronJobs, one pod per node.',
    'Job 的完成数与并行度、CronJob、每个节点一个 Pod。',
  ),
  C(
    8,
    'Application configuration',
    '应用配置管理',
    'ConfigMaps, Secrets, ServiceAccounts, resources and QoS, securityContext.',
    'ConfigMap、Secret、ServiceAccount、资源与 QoS、安全上下文。',
  ),
  C(
    9,
    'Storage core',
    '应用存储和持久化数据卷：核心知识',
    'Volumes, PV/PVC binding, StorageClass provisioning, reclaim policy.',
    '数据卷、PV/PVC 绑定、StorageClass 动态供应与回收策略。',
  ),
  C(
    10,
    'Storage snapshots and topology',
    '应用存储和持久化数据卷：存储快照与拓扑调度',
    'Volume snapshots, restore, WaitForFirstConsumer, allowed topologies.',
    '卷快照与恢复、延迟绑定、拓扑约束。',
  ),
  C(
    11,
    'Observability: is your app healthy',
    '可观测性：你的应用健康吗？',
    'Liveness, readiness and startup probes; CrashLoopBackOff; debugging.',
    '存活、就绪与启动探针；CrashLoopBackOff；排错。',
  ),
  C(
    12,
    'Observability: monitoring and logs',
    '可观测性：监控与日志',
    'kubectl top, log patterns, events, HorizontalPodAutoscaler.',
    'kubectl top、日志模式、事件与 HPA 自动扩缩容。',
  ),
  C(
    13,
    'Network concepts and policy',
    'Kubernetes 网络概念及策略控制',
    'Pod IPs and the flat network; NetworkPolicy ingress and egress.',
    'Pod IP 与扁平网络；NetworkPolicy 入站与出站规则。',
  ),
  C(
    14,
    'Service',
    'Kubernetes Services',
    'ClusterIP, NodePort, headless, EndpointSlices and DNS names.',
    'ClusterIP、NodePort、Headless、EndpointSlice 与 DNS。',
  ),
  C(
    15,
    'Linux containers in depth',
    '深入剖析 Linux 容器',
    'Namespaces and cgroups as a pod sees them; OOMKilled; CPU limits.',
    'Pod 视角下的 namespace 与 cgroup；OOMKilled；CPU 限制。',
  ),
  C(16, 'etcd basics', '深入理解 etcd：基本原理解析', 'Keys, revisions and watches behind every object.', '对象背后的键、修订版本与 watch。'),
  C(17, 'etcd performance', '深入理解 etcd：etcd 性能优化实践', 'Compaction, history and growing revisions.', '压缩、历史与不断增长的修订版本。'),
  C(
    18,
    'Scheduling and resource management',
    'Kubernetes 调度和资源管理',
    'Requests, quotas, LimitRanges, affinity, taints, priority and preemption.',
    '资源请求、配额、LimitRange、亲和性、污点、优先级与抢占。',
  ),
  C(
    19,
    'Scheduler flow and algorithms',
    '调度器的调度流程和算法介绍',
    'Filter and score, pod (anti-)affinity, topology spread.',
    '过滤与打分、Pod 亲和/反亲和、拓扑分布。',
  ),
  C(
    20,
    'GPU and device plugins',
    'GPU 管理和 Device Plugin 工作机制',
    'Extended resources such as nvidia.com/gpu and pending pods.',
    'nvidia.com/gpu 等扩展资源与等待调度的 Pod。',
  ),
  C(
    21,
    'Storage architecture and plugins',
    'Kubernetes 存储架构及插件使用',
    'CSIDriver, CSINode, VolumeAttachment: provision, attach, mount.',
    'CSIDriver、CSINode、VolumeAttachment：供应、挂接、挂载。',
  ),
  C(
    22,
    'StatefulSet',
    '有状态应用编排：StatefulSet',
    'Ordinals, stable DNS, volumeClaimTemplates, partitioned updates.',
    '序号、稳定 DNS、volumeClaimTemplates 与分区更新。',
  ),
  C(
    23,
    'API programming paradigm',
    'Kubernetes API 编程范式',
    'CustomResourceDefinitions with schemas, printer columns and status.',
    '带校验模式、打印列与 status 的 CRD。',
  ),
  C(
    24,
    'Operators',
    'Kubernetes API 编程利器：Operator 和 Operator Framework',
    'An operator reconciles a custom resource into a Deployment and Service.',
    'Operator 将自定义资源调谐为 Deployment 与 Service。',
  ),
  C(
    25,
    'Advanced network model',
    'Kubernetes 网络模型进阶',
    'Per-node pod CIDRs, routes, overlay versus routing.',
    '节点 Pod 网段、路由、Overlay 与路由模式。',
  ),
  C(26, 'CNI and CNI plugins', '理解 CNI 和 CNI 插件', 'CNI configuration, per-node IPAM, what a plugin does.', 'CNI 配置、节点 IPAM、插件的工作。'),
  C(
    27,
    'Security: access control',
    'Kubernetes 安全之访问控制',
    'Certificates, ServiceAccount tokens, RBAC, can-i, impersonation.',
    '证书、ServiceAccount 令牌、RBAC、can-i 与身份模拟。',
  ),
  C(
    28,
    'Container Runtime Interface',
    '理解容器运行时接口 CRI',
    'Pod sandboxes and containers on a node, a crictl-style view.',
    '节点上的 Pod 沙箱与容器，类 crictl 视图。',
  ),
  C(29, 'Secure container technology', '安全容器技术', 'gVisor and Kata: what a container sees differently.', 'gVisor 与 Kata：容器看到的不同之处。'),
  C(
    30,
    'RuntimeClass and multiple runtimes',
    '理解 RuntimeClass 与使用多容器运行时',
    'RuntimeClass handlers, scheduling and overhead.',
    'RuntimeClass 处理器、调度与开销。',
  ),
];
