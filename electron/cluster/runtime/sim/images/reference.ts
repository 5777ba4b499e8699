/** Docker-style image reference normalisation: nginx → docker.io/library/nginx:latest. */
export interface ImageReference {
  /** registry/repository without tag or digest, e.g. docker.io/library/nginx */
  repository: string;
  tag?: string;
  digest?: string;
  /** repository:tag (or repository@digest when only a digest was given) */
  normalized: string;
}

export function parseImageReference(raw: string): ImageReference {
  let rest = raw.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const parts = rest.split('/');
  // The first component is a registry only when it looks like a host (has a dot or port, or is localhost).
  const first = parts[0];
  const hasRegistry = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let repository: string;
  if (!hasRegistry) repository = parts.length === 1 ? `docker.io/library/${rest}` : `docker.io/${rest}`;
  else repository = rest;
  if (repository.startsWith('index.docker.io/')) repository = 'docker.io/' + repository.slice('index.docker.io/'.length);
  repository = repository.toLowerCase();
  if (!tag && !digest) tag = 'latest';
  const normalized = tag ? `${repository}:${tag}` : `${repository}@${digest}`;
  return { repository, tag, digest, normalized };
}
