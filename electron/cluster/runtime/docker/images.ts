// Images in the daemon's local store: status, list and pulls through the daemon with Docker's own error text.
import type Docker from 'dockerode';
import { ImagePullError, type ImageInfo } from '../interface';
import { parseImageReference } from '../sim/images/reference';

/** what to ask the daemon for: a bare name pulls `:latest` (the daemon would otherwise pull every tag) */
export function pullReference(image: string): string {
  const name = image.replace(/@.*$/, '');
  return image.includes('@') || /:[^/]+$/.test(name) ? image : `${image}:latest`;
}

export function normalizedRef(image: string): string {
  try {
    return parseImageReference(image).normalized;
  } catch {
    return image;
  }
}

export function imageInfoFrom(ref: string, inspect: Docker.ImageInspectInfo): ImageInfo {
  const cfg = inspect.Config ?? ({} as Docker.ImageInspectInfo['Config']);
  return {
    ref,
    id: inspect.Id,
    digest: inspect.RepoDigests?.[0] ?? inspect.Id,
    sizeBytes: inspect.Size ?? 0,
    entrypoint: (cfg.Entrypoint as string[] | null) ?? [],
    cmd: cfg.Cmd ?? [],
    env: cfg.Env ?? [],
    workingDir: cfg.WorkingDir ?? '',
    user: cfg.User ?? '',
    exposedPorts: Object.keys(cfg.ExposedPorts ?? {})
      .map((p) => parseInt(p, 10))
      .filter((n) => n > 0),
  };
}

const RECENT_MS = 2000;

export class DockerImages {
  constructor(
    private readonly docker: Docker,
    private readonly log: (line: string) => void,
  ) {}

  /** the last answer per image: the kubelet asks for an image's status and creates its container right after */
  private readonly recent = new Map<string, { info: ImageInfo; at: number }>();

  async status(image: string): Promise<ImageInfo | undefined> {
    try {
      const info = imageInfoFrom(normalizedRef(image), await this.docker.getImage(pullReference(image)).inspect());
      this.recent.set(image, { info, at: Date.now() });
      return info;
    } catch (err) {
      this.recent.delete(image);
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw err;
    }
  }

  /** status, answered from an inspect made within the last RECENT_MS (an image removed since fails the create) */
  recentStatus(image: string): Promise<ImageInfo | undefined> {
    const r = this.recent.get(image);
    return r && Date.now() - r.at < RECENT_MS ? Promise.resolve(r.info) : this.status(image);
  }

  async pull(image: string): Promise<ImageInfo> {
    try {
      await this.pullThroughDaemon(pullReference(image));
    } catch (err) {
      const message = (err as Error).message.replace(/^\(HTTP code \d+\) [\w ]+ - /, '').trim();
      // an offline classroom PC with the image preloaded: Always/latest pulls use what the node already has, as
      // they would behind a registry mirror; a registry that answers "not found" still fails as upstream does
      const present = unreachable(message) ? await this.status(image) : undefined;
      if (present) {
        this.log(`pull of ${image} failed (${message}); using the copy already in the node's image store`);
        return present;
      }
      // what cri-dockerd reports: the daemon's own answer
      throw new ImagePullError(`Error response from daemon: ${message}`, !unreachable(message));
    }
    const info = await this.status(image);
    if (!info) throw new ImagePullError(`failed to pull image "${normalizedRef(image)}": the daemon reported success but has no such image`);
    return info;
  }

  async list(): Promise<ImageInfo[]> {
    const all = await this.docker.listImages();
    return all.flatMap((i) =>
      (i.RepoTags ?? [])
        .filter((t) => t !== '<none>:<none>')
        .slice(0, 1)
        .map((tag) => ({
          ref: normalizedRef(tag),
          id: i.Id,
          digest: i.RepoDigests?.[0] ?? i.Id,
          sizeBytes: i.Size,
          entrypoint: [],
          cmd: [],
          env: [],
          workingDir: '',
          user: '',
          exposedPorts: [],
        })),
    );
  }

  async remove(image: string): Promise<void> {
    this.recent.delete(image);
    await this.docker.getImage(pullReference(image)).remove();
  }

  private pullThroughDaemon(ref: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.docker.pull(ref, (err: Error | null, stream: NodeJS.ReadableStream) => {
        if (err) {
          reject(err);
          return;
        }
        // errors can also arrive inside the progress stream, after a 200
        this.docker.modem.followProgress(stream, (e: Error | null, out: { error?: string }[]) => {
          const failed = e ?? (out.find((o) => o.error) ? new Error(out.find((o) => o.error)!.error) : undefined);
          if (failed) reject(failed);
          else resolve();
        });
      });
    });
  }
}

function unreachable(message: string): boolean {
  return (
    /dial tcp|lookup |no such host|timeout|connection refused|network is unreachable|i\/o timeout|TLS handshake/i.test(message) &&
    !/manifest unknown|not found|unauthorized|denied/i.test(message)
  );
}
