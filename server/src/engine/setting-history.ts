import type { DjangoProject, SwappableState } from '../django/project';
import { summarizeModule, type PyStatement } from '../syntax/python';
import type { PythonParser } from '../syntax/tree';
import { GitRepository, type Commit } from './git';

/** When a swappable setting took its current value, and what already depended on it then. */
export interface SettingChange {
  setting: string;
  /** The commit that gave the setting its current value; absent when the change is not committed yet. */
  commit?: Commit;
  from?: string;
  to: string;
  /** Migrations that depend on the setting and were committed before the change (or are Django's own). */
  before: { key: string; file?: string; commit?: Commit; package?: string }[];
}

const HEAD_TTL_MS = 3000;

/**
 * Reads a setting's past values from git. Answers are cached by settings file, its current text and
 * HEAD (HEAD itself is asked at most every few seconds): edits elsewhere cost nothing.
 */
export class SettingHistory {
  private repositories = new Map<string, GitRepository | null>();
  private head?: { at: number; value: string | undefined; root: string };
  private readonly answers = new Map<string, SettingChange | null>();

  constructor(private readonly parser: PythonParser) {}

  /**
   * `removals`: also answer for a setting the settings no longer assign (back to its default), from
   * the settings module's history. The plan asks; the rules keep to assignments.
   */
  changeOf(project: DjangoProject, state: SwappableState, options: { removals?: boolean } = {}): SettingChange | undefined {
    const assignment = state.assignment;
    if (state.value === undefined) return undefined;
    const file = assignment?.location.file ?? (options.removals && state.state === 'default' ? project.settings.file : undefined);
    if (!file) return undefined;
    const repository = this.repositoryFor(file);
    if (!repository) return undefined;
    const head = this.headOf(repository);
    const text = project.scopeOfFile(file)?.file.text ?? '';
    const key = `${file}\0${state.setting}\0${assignment ? 'set' : 'unset'}\0${head}\0${text.length}\0${hashText(text)}`;
    if (!this.answers.has(key)) this.answers.set(key, this.compute(project, repository, state, file, assignment !== undefined) ?? null);
    return this.answers.get(key) ?? undefined;
  }

  private compute(project: DjangoProject, repository: GitRepository, state: SwappableState, file: string, assigned: boolean): SettingChange | undefined {
    const commits = repository.commitsTouching(file);
    let changeCommit: Commit | undefined;
    let from: string | undefined;
    let found = false;
    let oldText: string | undefined;
    for (let i = 0; i < commits.length; i++) {
      const text = repository.show(commits[i].hash, file);
      if (text === undefined) break;
      const written = this.valueIn(text, state.setting);
      if (written === 'unknown') return undefined;
      // Where the setting is not assigned now, older versions that do not assign it hold the same value.
      const value = written === undefined && !assigned ? state.value : written;
      if (value !== state.value) {
        // Versions newer than this one hold the current value: the change came with commits[i - 1], or is uncommitted.
        changeCommit = i > 0 ? commits[i - 1] : undefined;
        from = value;
        oldText = text;
        found = true;
        break;
      }
    }
    if (!found) return undefined;
    const before: SettingChange['before'] = [];
    for (const migration of project.migrations.values()) {
      const depends =
        (migration.dependencies?.entries ?? []).some((e) => (e.kind === 'swappable' || e.kind === 'swapper') && e.setting === state.setting) ||
        (migration.relations ?? []).some((r) => r.relation.target.kind === 'setting' && r.relation.target.setting === state.setting) ||
        migration.known?.dependencies.includes(`setting:${state.setting}`) === true;
      if (!depends) continue;
      if (migration.origin === 'builtin') {
        // Django's own migrations ran on every database where their app was installed before the change.
        const module = project.appsByLabel.get(migration.app)?.entry;
        if (module && oldText?.includes(module)) before.push({ key: migration.key, package: project.appsByLabel.get(migration.app)?.known?.package });
        continue;
      }
      if (!migration.file || migration.origin !== 'workspace') continue;
      const added = repository.commitAdding(migration.file);
      if (!added) continue;
      if (!changeCommit || (added.hash !== changeCommit.hash && repository.isAncestor(added.hash, changeCommit.hash))) {
        before.push({ key: migration.key, file: migration.file, commit: added });
      }
    }
    return { setting: state.setting, commit: changeCommit, from, to: state.value!, before: before.sort((a, b) => (a.key < b.key ? -1 : 1)) };
  }

  /** The setting's string value in one version of a settings file; undefined when it is not set there. */
  private valueIn(text: string, setting: string): string | undefined | 'unknown' {
    const tree = this.parser.parse(text);
    try {
      let value: string | undefined | 'unknown';
      const visit = (statements: PyStatement[]) => {
        for (const s of statements) {
          if (s.kind === 'assign' && s.targets.some((t) => t.k === 'name' && t.id === setting)) value = s.value.k === 'str' ? s.value.value : 'unknown';
          else if (s.kind === 'if' || s.kind === 'try' || s.kind === 'block') visit(s.kind === 'if' ? [...s.body, ...s.orelse] : s.kind === 'try' ? [...s.body, ...s.orelse] : s.body);
        }
      };
      visit(summarizeModule(tree, text).statements);
      return value;
    } finally {
      tree.dispose();
    }
  }

  private repositoryFor(file: string): GitRepository | undefined {
    const dir = file.slice(0, Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')));
    if (!this.repositories.has(dir)) this.repositories.set(dir, GitRepository.open(dir) ?? null);
    return this.repositories.get(dir) ?? undefined;
  }

  private headOf(repository: GitRepository): string | undefined {
    const now = Date.now();
    if (!this.head || this.head.root !== repository.root || now - this.head.at > HEAD_TTL_MS) this.head = { at: now, value: repository.head(), root: repository.root };
    return this.head.value;
  }
}

function hashText(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  return hash;
}
