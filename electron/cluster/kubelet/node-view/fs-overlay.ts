// A filesystem with some of its methods answered by the node view (registered files, computed links) and the rest
// by the filesystem underneath.
import { unsafeBytesFromLatin1, type ByteString, type IFileSystem } from 'just-bash';

export function overlayFs(base: IFileSystem, overrides: Partial<IFileSystem>): IFileSystem {
  return new Proxy(base, {
    get(target, prop, receiver) {
      const o = (overrides as Record<string | symbol, unknown>)[prop];
      if (o) return o;
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

/** the raw-bytes read shells use for cat and redirections, from a filesystem that may lack it */
export async function readBytes(fs: IFileSystem, p: string): Promise<ByteString> {
  return fs.readFileBytes ? fs.readFileBytes(p) : unsafeBytesFromLatin1(Buffer.from(await fs.readFileBuffer(p)).toString('latin1'));
}
