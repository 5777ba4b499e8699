import type { CatalogueImage } from '../images/catalogue';

/** `perl -v`'s first lines for the image's release; the official images build perl without threads unless tagged -threaded */
export function perlVersionBanner(image: CatalogueImage): string {
  const v = image.repository.endsWith('/perl') && image.version ? image.version : '5.36.0';
  const [, minor, patch] = v.split('.');
  const arch = image.variant?.includes('threaded') ? 'x86_64-linux-gnu-thread-multi' : 'x86_64-linux-gnu';
  return `\nThis is perl 5, version ${minor}, subversion ${patch} (v${v}) built for ${arch}\n\nCopyright 1987-${2000 + Number(minor) / 2 + 4}, Larry Wall\n`;
}
