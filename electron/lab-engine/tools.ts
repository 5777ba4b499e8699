// The programs a lab's commands need besides kubectl (lab.yaml `tools:`, e.g. helm), found as the app's terminal
// finds them: the copy bundled with the app first, else the system's PATH. Lab scripts (`run:` actions) see the
// bundled folders at the end of their PATH, so a system tool of the same name still wins there.
import { appFolders } from '../app/app-root';
import { locateTool } from '../terminal/kubectl-locate';
import type { Lab, Text } from './types';

export function bundledToolDirs(): string[] {
  return appFolders().bundledBin;
}

/** the lab's tools that are neither bundled nor on PATH */
export function missingTools(lab: Pick<Lab, 'tools'>, envPath = process.env.PATH ?? ''): string[] {
  return lab.tools.filter((t) => !locateTool(t, bundledToolDirs(), envPath).path);
}

/** what the course page and `kubelab lab start` say about missing tools */
export function missingToolProblems(lab: Pick<Lab, 'tools' | 'id'>): Text[] {
  return missingTools(lab).map((t) => ({
    en: `${t} was not found: this build of KubeLab does not bundle it for ${process.platform}-${process.arch} and it is not on your PATH. Install ${t} and restart KubeLab to do lab ${lab.id}; until then its steps cannot pass.`,
    zh: `未找到 ${t}：此版本的 KubeLab 没有为 ${process.platform}-${process.arch} 打包它，你的 PATH 中也没有。请安装 ${t} 并重启 KubeLab 后再做实验 ${lab.id}；在此之前，它的步骤无法通过。`,
  }));
}
