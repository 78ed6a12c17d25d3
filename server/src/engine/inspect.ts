import * as path from 'node:path';
import { splitKey } from '../django/graph';
import type { DjangoProject, ProjectConfig } from '../django/project';
import type { Location } from '../django/source';

/** What `djswap inspect` shows: the project model as djswap believes it, as plain data. */
export interface ProjectModelView {
  root: string;
  manageFile: string | null;
  settingsModule: string | null;
  settingsSource: string;
  settingsFile: string | null;
  settingsFiles: string[];
  sourceRoots: string[];
  sitePackages: string[];
  swappable: {
    setting: string;
    default: string;
    value: string | null;
    state: string;
    swapped: boolean | null;
    declaredBy: string;
    setAt: string | null;
    target: string | null;
    targetFile: string | null;
    creatingMigration: string | null;
  }[];
  apps: { label: string; name: string; entry: string; origin: string; path: string | null; migrations: string; migrationCount: number; note: string | null }[];
  appsComplete: boolean;
  models: { total: number; byApp: Record<string, number> };
  graph: { nodes: number; edges: number; swappableEdges: number; runBeforeEdges: number; leaves: Record<string, string[]>; problems: { kind: string; message: string }[] };
  notes: string[];
}

export function projectModelView(config: ProjectConfig, project: DjangoProject, cwd = process.cwd()): ProjectModelView {
  const rel = (file: string | undefined | null) => (file ? path.relative(cwd, file).split(path.sep).join('/') || '.' : null);
  const at = (location: Location | undefined) => {
    if (!location) return null;
    const parsed = project.scopeOfFile(location.file)?.file;
    const line = parsed ? parsed.lines.position(location.span.start).line + 1 : 0;
    return `${rel(location.file)}:${line}`;
  };
  const byApp: Record<string, number> = {};
  for (const m of project.models) if (m.origin === 'workspace' && !m.abstract) byApp[m.app] = (byApp[m.app] ?? 0) + 1;
  let edges = 0;
  let swappableEdges = 0;
  let runBeforeEdges = 0;
  for (const map of project.graph.edges.values()) {
    for (const origin of map.values()) {
      edges++;
      if (origin.kind === 'swappable') swappableEdges++;
      if (origin.kind === 'run_before') runBeforeEdges++;
    }
  }
  const leaves: Record<string, string[]> = {};
  for (const key of project.graph.leafNodes()) {
    const [app, name] = splitKey(key);
    (leaves[app] ??= []).push(name);
  }
  return {
    root: rel(config.root)!,
    manageFile: rel(config.manageFile),
    settingsModule: config.settingsModule ?? null,
    settingsSource: config.settingsSource,
    settingsFile: rel(project.settings.file),
    settingsFiles: project.settings.files.map((f) => rel(f)!),
    sourceRoots: config.sourceRoots.map((r) => rel(r)!),
    sitePackages: config.sitePackages.map((r) => rel(r)!),
    swappable: project.swappables
      .filter((s) => s.inUse)
      .map((s) => ({
        setting: s.setting,
        default: s.defaultLabel,
        value: s.value ?? null,
        state: s.state,
        swapped: s.swapped,
        declaredBy: s.declaredBy,
        setAt: at(s.assignment?.location),
        target: s.target?.label ?? null,
        targetFile: rel(s.target?.file),
        creatingMigration: s.creatingMigration ?? null,
      })),
    apps: project.apps.map((a) => ({
      label: a.label,
      name: a.name,
      entry: a.entry,
      origin: a.origin,
      path: rel(a.dir),
      migrations: a.migrations,
      migrationCount: project.graph.appNodes(a.label).length,
      note: a.migrationsNote ?? null,
    })),
    appsComplete: !project.appsIncomplete,
    models: { total: Object.values(byApp).reduce((a, b) => a + b, 0), byApp },
    graph: {
      nodes: project.graph.nodes.size,
      edges,
      swappableEdges,
      runBeforeEdges,
      leaves,
      problems: project.graph.problems.map((p) => ({ kind: p.kind, message: p.message })),
    },
    notes: project.problems,
  };
}

/** Text (for a terminal) or Markdown (for the editor) rendering of the project model. */
export function describeProjects(
  projects: { config: ProjectConfig; project: DjangoProject }[],
  notes: string[],
  format: 'text' | 'markdown',
  cwd = process.cwd(),
): string {
  if (projects.length === 0) {
    return format === 'markdown'
      ? '**No Django project found.** djswap looks for `manage.py`, `[tool.djswap] settings` in `pyproject.toml`, `DJANGO_SETTINGS_MODULE`, or a lone `settings.py`.'
      : 'No Django project found (looked for manage.py, [tool.djswap] settings in pyproject.toml, DJANGO_SETTINGS_MODULE, a lone settings.py).';
  }
  const md = format === 'markdown';
  const code = (s: string) => (md ? `\`${s}\`` : s);
  const heading = (s: string) => (md ? `### ${s}` : s);
  const out: string[] = [];
  for (const { config, project } of projects) {
    const view = projectModelView(config, project, cwd);
    out.push(md ? `## Django project ${code(view.root)}` : `Django project ${view.root}`);
    out.push(`- settings module: ${view.settingsModule ? code(view.settingsModule) : 'none'} (from ${view.settingsSource}${view.settingsFile ? `, ${view.settingsFile}` : ''})`);
    if (view.settingsFiles.length > 1) out.push(`- settings files read: ${view.settingsFiles.map(code).join(', ')}`);
    out.push(`- source roots: ${view.sourceRoots.map(code).join(', ')}${view.sitePackages.length ? `; site-packages: ${view.sitePackages.map(code).join(', ')}` : ''}`);
    out.push('', heading('Swappable settings'));
    for (const s of view.swappable) {
      const value = s.value === null ? 'unknown' : code(s.value);
      const state = s.state === 'default' ? 'default' : s.swapped ? 'swapped' : s.state === 'set' ? 'set to the default' : 'unknown';
      const where = s.setAt ? ` at ${s.setAt}` : '';
      const target = s.target ? `; model ${code(s.target)}${s.targetFile ? ` in ${s.targetFile}` : ''}` : s.value ? '; model not found' : '';
      const created = s.creatingMigration ? `; created by ${code(s.creatingMigration)}` : '';
      out.push(`- ${code(s.setting)} = ${value} (${state}${where}; default ${code(s.default)}${target}${created})`);
    }
    out.push('', heading(`Installed apps (${view.apps.length}${view.appsComplete ? '' : ', list not fully known'})`));
    for (const a of view.apps) {
      const place = a.path ? a.path : a.origin;
      const migrations = a.migrations === 'package' || a.migrations === 'known' ? `${a.migrationCount} migrations` : a.migrations === 'none' ? 'no migrations' : a.migrations === 'disabled' ? 'migrations disabled' : 'migrations unknown';
      out.push(`- ${code(a.label)} ${a.entry !== a.label ? `(${a.entry}) ` : ''}— ${place}, ${migrations}${a.note ? ` — ${a.note}` : ''}`);
    }
    out.push('', heading('Models'), `- ${view.models.total} concrete models in the workspace: ${Object.entries(view.models.byApp).map(([app, n]) => `${app} ${n}`).join(', ') || 'none'}`);
    out.push('', heading('Migration graph'));
    out.push(`- ${view.graph.nodes} migrations, ${view.graph.edges} dependencies (${view.graph.swappableEdges} swappable, ${view.graph.runBeforeEdges} run_before)`);
    const conflicted = Object.entries(view.graph.leaves).filter(([, names]) => names.length > 1);
    if (conflicted.length) out.push(`- apps with several leaves: ${conflicted.map(([app, names]) => `${app} (${names.join(', ')})`).join('; ')}`);
    if (view.graph.problems.length === 0) out.push('- no errors Django would raise while loading it');
    for (const p of view.graph.problems) out.push(`- ${p.kind}: ${p.message.split('\n')[0]}`);
    if (view.notes.length) {
      out.push('', heading('Notes'));
      for (const n of view.notes) out.push(`- ${n}`);
    }
    out.push('');
  }
  const extra = notes.filter((n) => !projects.some((p) => p.project.problems.some((q) => n.endsWith(q))));
  if (extra.length) {
    out.push(heading('Workspace notes'));
    for (const n of extra) out.push(`- ${n}`);
  }
  return out.join('\n').trimEnd() + '\n';
}
