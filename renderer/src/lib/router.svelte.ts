// Hash routes: #/ (course), #/lab/<id>, #/cluster, #/network, #/yaml, #/progress, #/settings.
export type Route =
  { page: 'home' } | { page: 'lab'; id: string } | { page: 'cluster' } | { page: 'network' } | { page: 'yaml' } | { page: 'progress' } | { page: 'settings' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  switch (parts[0]) {
    case 'lab':
      return parts[1] ? { page: 'lab', id: parts[1] } : { page: 'home' };
    case 'cluster':
    case 'network':
    case 'yaml':
    case 'progress':
    case 'settings':
      return { page: parts[0] };
    default:
      return { page: 'home' };
  }
}

export const router = $state<{ route: Route }>({ route: parseRoute(typeof location === 'undefined' ? '' : location.hash) });
if (typeof window !== 'undefined')
  window.addEventListener('hashchange', () => {
    router.route = parseRoute(location.hash);
  });

export function go(hash: string): void {
  location.hash = hash;
}
