/** Node-style fs errors; just-bash turns their messages into the familiar shell diagnostics. */
export function fsError(code: 'EROFS' | 'ENOENT' | 'EACCES' | 'EISDIR' | 'ENOTDIR', op: string, p: string): NodeJS.ErrnoException {
  const text = { EROFS: 'read-only file system', ENOENT: 'no such file or directory', EACCES: 'permission denied', EISDIR: 'illegal operation on a directory', ENOTDIR: 'not a directory' }[code];
  const e = new Error(`${code}: ${text}, ${op} '${p}'`) as NodeJS.ErrnoException;
  e.code = code;
  return e;
}
