// kube-apiserver without its etcd: while the etcd static pod is down, what arrives over HTTPS finds no API to answer
// it (503), except KubeLab's own paths under /kubelab/ — the node shell among them, which stands for ssh to the node
// and so must keep working for the student to repair /etc/kubernetes/manifests/etcd.yaml.
import type { ApiServer } from '../../apiserver/handler';
import type { ApiRequest } from '../../apiserver/request';
import { errorResponse } from '../../apiserver/responses';
import { statusError } from '../../api/errors';

export function etcdGatedApiServer(api: ApiServer, serving: () => boolean, nodeName: string): ApiServer {
  const gated = Object.create(api) as ApiServer;
  gated.handle = async (req: ApiRequest) => {
    if (serving() || req.path.startsWith('/kubelab/')) return api.handle(req);
    return errorResponse(
      statusError(
        503,
        'ServiceUnavailable',
        `the server is currently unable to handle the request: etcd at https://127.0.0.1:2379 is not serving (dial tcp 127.0.0.1:2379: connect: connection refused); the etcd static pod on ${nodeName} is not running: look at /etc/kubernetes/manifests/etcd.yaml, crictl ps -a and crictl logs on the node`,
      ),
    );
  };
  return gated;
}
