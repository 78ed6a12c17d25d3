import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PlanDeployment } from '../engine/plan';

/** `djswap plan --write`: writes (and deletes) the files of a deployment's edit steps, inside the project only. */
export function writeDeploymentEdits(root: string, deployment: PlanDeployment): { written: string[]; deleted: string[] } {
  const written: string[] = [];
  const deleted: string[] = [];
  for (const step of deployment.steps) {
    if (step.kind !== 'edit') continue;
    const file = path.resolve(root, step.file);
    if (path.relative(root, file).startsWith('..') || path.isAbsolute(path.relative(root, file))) throw new Error(`${step.file} is outside the project`);
    if ('delete' in step) {
      fs.rmSync(file, { force: true });
      deleted.push(step.file);
    } else {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, step.newText);
      written.push(step.file);
    }
  }
  return { written, deleted };
}
