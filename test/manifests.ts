// Small manifests tests apply with kubectl: a one-replica Deployment whose pods carry `app: NAME`.

/** containers: flow-style YAML mappings, one per container */
export function deploymentYaml(name: string, containers: string[]): string {
  return `
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name} }
spec:
  replicas: 1
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers:
${containers.map((c) => `      - ${c}`).join('\n')}
`;
}
