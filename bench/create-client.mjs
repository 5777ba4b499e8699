// A load-generating client process for bench/apiserver.mjs: creates ConfigMaps over HTTPS with keep-alive.
import https from 'node:https';

const [server, tlsJson, nStr, cStr, prefix] = process.argv.slice(2);
const tls = JSON.parse(tlsJson);
const agent = new https.Agent({ keepAlive: true, maxSockets: Number(cStr), ...tls });
const N = Number(nStr),
  C = Number(cStr);
let next = 0,
  ok = 0;
const post = (body) =>
  new Promise((resolve, reject) => {
    const data = Buffer.from(JSON.stringify(body));
    const req = https.request(
      new URL('/api/v1/namespaces/default/configmaps', server),
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': data.length } },
      (r) => {
        r.resume();
        r.on('end', () => resolve(r.statusCode));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
await Promise.all(
  Array.from({ length: C }, async () => {
    while (next < N) {
      const i = next++;
      if ((await post({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `bench-${prefix}-${i}` }, data: { k: 'v' } })) === 201) ok++;
    }
  }),
);
agent.destroy();
process.send({ ok });
process.disconnect();
