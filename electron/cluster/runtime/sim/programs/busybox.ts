import type { SimContainer } from '../container';
import type { Program } from './types';

/** build stamps of the official busybox images' binaries, shown in every applet's usage banner */
const BUILT: Record<string, string> = {
  '1.28.4': '2018-05-22 17:00:17 UTC',
  '1.31.1': '2020-03-26 00:39:14 UTC',
  '1.36.1': '2023-05-18 22:34:17 UTC',
  '1.37.0': '2024-09-26 21:31:42 UTC',
};

/** "BusyBox v1.28.4 (2018-05-22 17:00:17 UTC) multi-call binary." for the image's own release */
export function busyboxBanner(c: SimContainer): string {
  const v = c.image.image.base === 'busybox' ? (c.image.image.version ?? '1.37.0') : '1.37.0';
  return `BusyBox v${v} (${BUILT[v] ?? 'release build'}) multi-call binary.`;
}

export const busybox: Program = async (ctx) => {
  const args = ctx.argv.slice(1);
  if (!args.length || args[0] === '--help') {
    ctx.out(
      `${busyboxBanner(ctx.container)}\nBusyBox is copyrighted by many authors between 1998-2015.\nLicensed under GPLv2. See source distribution for detailed\ncopyright notices.\n\nUsage: busybox [function [arguments]...]\n   or: busybox --list[-full]\n   or: function [arguments]...\n`,
    );
    return 0;
  }
  const r = await ctx.run(args);
  ctx.out(r.stdout);
  ctx.err(r.stderr);
  return r.exitCode;
};
