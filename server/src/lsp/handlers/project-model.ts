import * as path from 'node:path';
import { ConfigError } from '../../engine/config';
import { describeCoverage } from '../../engine/coverage';
import { describeProjects } from '../../engine/inspect';
import type { AnalysisResult } from '../../engine/workspace';
import type { ServerContext } from '../context';
import { uriToPath } from '../convert';
import type { ProjectModelParams, ProjectModelResult } from '../protocol';

/**
 * `djswap/projectModel`: what djswap could check and what not (the coverage), then the project model
 * as djswap believes it, for the project of the file in the editor (every project when none).
 */
export function projectModel(ctx: ServerContext, params: ProjectModelParams): ProjectModelResult {
  const session = ctx.session;
  if (!session) return { markdown: 'djswap is still starting.' };
  const file = typeof params?.uri === 'string' ? uriToPath(params.uri) : undefined;
  let result: AnalysisResult;
  try {
    result = session.current();
  } catch (error) {
    if (error instanceof ConfigError) return { markdown: `djswap cannot read its configuration: ${error.message}` };
    throw error;
  }
  const mine = file ? result.projects.filter((p) => p.project.files.has(file) || file.startsWith(p.config.root)) : result.projects;
  const projects = mine.length > 0 ? mine : result.projects;
  // Paths are shown relative to the workspace folder of each project.
  const folderOf = (root: string) => session.workspaceFor(root)?.roots[0] ?? root;
  const coverage: string[] = [];
  for (const p of projects) {
    const folder = folderOf(p.config.root);
    const show = (f: string) => path.relative(folder, f).split(path.sep).join('/');
    for (const line of describeCoverage(p.summary.coverage, show)) coverage.push(line.startsWith('  ') ? `  - ${line.trimStart()}` : `- ${line}`);
  }
  const folders = [...new Set(projects.map((p) => folderOf(p.config.root)))];
  const model =
    folders.length === 0
      ? describeProjects([], result.notes, 'markdown')
      : folders.map((folder, i) => describeProjects(projects.filter((p) => folderOf(p.config.root) === folder), i === 0 ? result.notes : [], 'markdown', folder)).join('\n');
  return { markdown: coverage.length > 0 ? `## Coverage\n\n${coverage.join('\n')}\n\n${model}` : model };
}
