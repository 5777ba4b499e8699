type Code = 'EROFS' | 'ENOENT' | 'EACCES' | 'EISDIR' | 'ENOTDIR' | 'EEXIST' | 'EINVAL' | 'ENOSPC' | 'ENXIO';
const TEXT: Record<Code, string> = {
  EROFS: 'read-only file system',
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'illegal operation on a directory',
  ENOTDIR: 'not a directory',
  EEXIST: 'file already exists',
  EINVAL: 'invalid argument',
  ENOSPC: 'no space left on device',
  ENXIO: 'no such device or address',
};

/** Node-style fs errors; just-bash turns their messages into the familiar shell diagnostics. */
export function fsError(code: Code, op: string, p: string): NodeJS.ErrnoException {
  const e = new Error(`${code}: ${TEXT[code]}, ${op} '${p}'`) as NodeJS.ErrnoException;
  e.code = code;
  return e;
}

/** an absolute path without `.`, `..` or repeated slashes */
export function normalize(p: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (!seg || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return '/' + out.join('/');
}
