// apiVersion → Go package holding the API types, following the k8s.io/api layout.

const META_V1 = 'k8s.io/apimachinery/pkg/apis/meta/v1';

/** Go package directory under k8s.io/api for an API group: its first DNS label, with one exception. */
function apiPackageDir(group: string): string {
  if (group === 'internal.apiserver.k8s.io') return 'apiserverinternal';
  return group.split('.')[0];
}

/** Candidate full Go type names for a kind, most specific first. */
export function goTypeCandidates(apiVersion: string, kind: string): string[] {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  const out: string[] = [];
  if (group === 'meta.k8s.io') out.push(`${META_V1}.${kind}`);
  else if (group === '') out.push(`k8s.io/api/core/${version}.${kind}`);
  else if (group === 'apiextensions.k8s.io') out.push(`k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/${version}.${kind}`);
  else out.push(`k8s.io/api/${apiPackageDir(group)}/${version}.${kind}`);
  // DeleteOptions, Status, WatchEvent … are registered into every group version under their meta/v1 type.
  if (!out.includes(`${META_V1}.${kind}`)) out.push(`${META_V1}.${kind}`);
  return out;
}
