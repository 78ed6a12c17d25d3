import type { DjangoProject } from '../django/project';
import type { Location, ParsedFile } from '../django/source';
import type { Span } from '../syntax/tree';

export type Severity = 'error' | 'warning' | 'information';

/** A rule's documentation, under the headings every rule page has. */
export interface RuleDocs {
  whatItDoes: string;
  whyIsThisBad: string;
  example: string;
  useInstead: string;
  fixSafety: string;
  references: { title: string; url: string }[];
}

export interface TextEdit {
  file: string;
  span: Span;
  newText: string;
}

export interface Fix {
  title: string;
  /** Safe fixes keep behaviour (or restore the only working one) and join fix-all. */
  safe: boolean;
  edits: TextEdit[];
}

export interface RelatedInformation extends Location {
  message: string;
}

/** What a rule reports; the engine adds code, name and the configured severity. */
export type CodeRole = 'site' | 'reusable' | 'test' | 'installed';

export interface Finding {
  file: string;
  span: Span;
  message: string;
  severity: Severity;
  related?: RelatedInformation[];
  fix?: Fix;
  /**
   * A premise of the finding djswap could not establish (a setting it could not evaluate, an app it
   * could not read), said as the end of "held back, because ...". An error or warning with one is not
   * reported: the project's coverage counts it instead.
   */
  unverified?: string;
}

export interface RuleContext {
  project: DjangoProject;
  /** The parsed file (from the editor's buffer when it is open). */
  file(path: string): ParsedFile | undefined;
  /** A file's text, without parsing it: to rule a file out cheaply. */
  text(path: string): string | undefined;
  /** Python files of the project whose text contains one of the needles (a cheap prefilter before parsing). */
  filesContaining(needles: string[]): string[];
  /**
   * Code of a reusable app rather than of a site: the project has no manage.py, or the file lies
   * outside the manage.py folder (a package beside the test project) or under site-packages.
   */
  isReusable(file: string): boolean;
  /**
   * Whose code a file is: `site` (the project's own, run by its manage.py), `reusable` (a package the
   * project tests or ships to others), `test` (tests, test apps, examples and demos: never shipped),
   * `installed` (an installed package under site-packages).
   */
  codeRole(file: string): CodeRole;
  /** Paths relative to the project root, for messages. */
  relative(path: string): string;
  /** `file:line` for messages (1-based line). */
  where(location: Location): string;
  /** When a swappable setting took its current value, from git; undefined outside a repository. */
  settingChange(setting: string): SettingChangeFacts | undefined;
}

/** A swappable setting's change, from version control. */
export interface SettingChangeFacts {
  commit?: { hash: string; time: number; subject: string };
  from?: string;
  to: string;
  /** `package` names who ships a migration that is not the project's (Django, django-oauth-toolkit...). */
  before: { key: string; file?: string; commit?: { hash: string; time: number; subject: string }; package?: string }[];
}

export interface Rule {
  code: string;
  name: string;
  /** One line, for `djswap rules` and the README table. */
  summary: string;
  /** The severity when facts do not decide (each finding states its own). */
  defaultSeverity: Severity;
  fix: 'safe' | 'unsafe' | 'sometimes' | 'none';
  docs: RuleDocs;
  /** Checks the project as a whole. A rule has this or `checkFiles`. */
  check?(context: RuleContext): Finding[];
  /**
   * Checks files one at a time: the files to look at, and the check of one. A file's findings may
   * depend on that file and on the project, not on other files read on the side (those go through
   * `context.file`), so the engine checks again only what changed.
   */
  checkFiles?(context: RuleContext): FileChecks;
}

export interface FileChecks {
  files: Iterable<string>;
  check(file: string): Finding[];
}
