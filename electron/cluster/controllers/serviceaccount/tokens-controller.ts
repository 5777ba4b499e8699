// The tokens controller (upstream's serviceaccount-token controller): a Secret of type
// kubernetes.io/service-account-token naming a ServiceAccount gets a non-expiring token, ca.crt and namespace, and the
// account's uid annotation; such a Secret whose ServiceAccount is gone (or was re-created with another uid) is deleted.
import type { Secret, ServiceAccount } from 'kubernetes-types/core/v1';
import type { Client, InformerFactory } from '../../client/types';
import type { KObject } from '../../api/types';
import type { Pki } from '../../auth/pki';
import { signLegacyServiceAccountToken } from '../../auth/serviceaccount-token';
import { R } from '../../client/resources';
import { isStatus } from '../../client/errors';
import { WorkQueue } from '../workqueue';

const TYPE = 'kubernetes.io/service-account-token';
const NAME = 'kubernetes.io/service-account.name';
const UID = 'kubernetes.io/service-account.uid';
const b64 = (s: string) => Buffer.from(s).toString('base64');

export function startTokensController(client: Client, informers: InformerFactory, pki: Pki): { stop(): void } {
  const secrets = informers.informer<KObject>(R.secrets);
  const accounts = informers.informer<KObject>(R.serviceaccounts);
  const queue = new WorkQueue(
    async (key) => {
      const [ns, name] = key.split('/');
      const secret = secrets.getByName(ns, name) as Secret | undefined;
      if (!secret || secret.type !== TYPE || secret.metadata?.deletionTimestamp) return;
      const saName = secret.metadata?.annotations?.[NAME];
      if (!saName) return;
      const sa = accounts.getByName(ns, saName) as ServiceAccount | undefined;
      const wantUid = secret.metadata?.annotations?.[UID];
      try {
        if (!sa || (wantUid && wantUid !== sa.metadata?.uid)) {
          // upstream deletes tokens of accounts that no longer exist; a brand-new secret may race the account's creation
          if (!sa && !accounts.hasSynced()) return;
          await client.delete(R.secrets, ns, name, { preconditions: { uid: secret.metadata!.uid! } });
          return;
        }
        if (secret.data?.token && wantUid) return;
        // the key may still be in the making during the first moments of a start
        await pki.serviceAccountReady;
        const token = signLegacyServiceAccountToken(pki, { namespace: ns, serviceAccount: { name: saName, uid: sa.metadata!.uid! }, secretName: name });
        await client.update(R.secrets, ns, {
          ...(secret as KObject),
          metadata: { ...secret.metadata, annotations: { ...secret.metadata!.annotations, [UID]: sa.metadata!.uid! } },
          data: { ...secret.data, token: b64(token), 'ca.crt': b64(pki.ca.certPem), namespace: b64(ns) },
        });
      } catch (err) {
        // a newer version comes back through the informer
        if (isStatus(err, 409, 404)) return;
        throw err;
      }
    },
    { workers: 1, name: 'serviceaccount-token' },
  );
  const enqueue = (o: KObject) => {
    if ((o as Secret).type === TYPE) queue.add(`${o.metadata.namespace}/${o.metadata.name}`);
  };
  secrets.onAdd(enqueue);
  secrets.onUpdate((_a, o) => enqueue(o));
  const bySa = (sa: KObject) => {
    for (const s of secrets.list(sa.metadata.namespace)) if ((s as Secret).metadata?.annotations?.[NAME] === sa.metadata.name) enqueue(s);
  };
  accounts.onAdd(bySa);
  accounts.onDelete(bySa);
  return { stop: () => queue.stop() };
}
