/**
 * INI files as Python's configparser reads them (setup.cfg, tox.ini, pytest.ini): `[section]`,
 * `key = value` or `key: value`, `#`/`;` comment lines, and indented continuation lines that extend
 * the value above. pytest, tox and setuptools rely on continuation lines (`setenv =` followed by one
 * variable a line), which the INI readers on npm split into keys of their own.
 */
export type IniDocument = Map<string, Map<string, string>>;

export function readIni(text: string): IniDocument {
  const document: IniDocument = new Map();
  let section: Map<string, string> | undefined;
  let key: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+$/, '');
    const trimmed = line.trim();
    if (trimmed === '' || /^[#;]/.test(trimmed)) {
      // An empty line ends nothing in configparser, but comments never join a value.
      continue;
    }
    if (/^\s/.test(line) && section && key !== undefined) {
      const previous = section.get(key) ?? '';
      section.set(key, previous === '' ? trimmed : `${previous}\n${trimmed}`);
      continue;
    }
    const header = /^\[([^\]]+)\]/.exec(trimmed);
    if (header) {
      const name = header[1].trim();
      section = document.get(name) ?? new Map();
      document.set(name, section);
      key = undefined;
      continue;
    }
    const pair = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(trimmed);
    if (pair && section) {
      // configparser lower-cases keys.
      key = pair[1].trim().toLowerCase();
      section.set(key, pair[2]);
    } else {
      key = undefined;
    }
  }
  return document;
}
