// Python expressions as small trees, printed three ways: flat, the way Django's MigrationWriter
// lays out an operation (Django < 4.1: single quotes, one keyword per line, no line length), and
// the way black lays it out (Django >= 4.1 runs black on new migrations; projects format models
// with it): flat when it fits in 88 columns, else one element per line with a trailing comma;
// collections written with a trailing comma ("magic trailing comma") always stay exploded.

export const raw = (s) => ({ t: 'raw', s });
export const str = (v) => ({ t: 'str', v });
export const num = (n) => ({ t: 'raw', s: String(n) });
export const TRUE = raw('True');
export const FALSE = raw('False');
export const NONE = raw('None');
/** kwargs: `[[name, node], ...]` */
export const call = (fn, args = [], kwargs = []) => ({ t: 'call', fn, args, kwargs });
export const list = (items, magic = false) => ({ t: 'list', items, magic });
export const tuple = (items, magic = false) => ({ t: 'tuple', items, magic });
/** entries: `[[keyNode, valueNode], ...]` */
export const dict = (entries, magic = false) => ({ t: 'dict', entries, magic });

export const LINE_LENGTH = 88;

/** Python's repr() for 'single', black's preference for 'double'. */
export function quote(value, style) {
  const escaped = value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t');
  if (style === 'single') {
    if (value.includes("'") && !value.includes('"')) return `"${escaped}"`;
    return `'${escaped.replace(/'/g, "\\'")}'`;
  }
  if (value.includes('"') && !value.includes("'")) return `'${escaped}'`;
  return `"${escaped.replace(/"/g, '\\"')}"`;
}

export function flat(node, q) {
  switch (node.t) {
    case 'raw':
      return node.s;
    case 'str':
      return quote(node.v, q);
    case 'call':
      return `${node.fn}(${[...node.args.map((a) => flat(a, q)), ...node.kwargs.map(([k, v]) => `${k}=${flat(v, q)}`)].join(', ')})`;
    case 'list':
      return `[${node.items.map((i) => flat(i, q)).join(', ')}]`;
    case 'tuple':
      return `(${node.items.map((i) => flat(i, q)).join(', ')}${node.items.length === 1 ? ',' : ''})`;
    case 'dict':
      return `{${node.entries.map(([k, v]) => `${flat(k, q)}: ${flat(v, q)}`).join(', ')}}`;
    default:
      throw new Error(`unknown node ${node.t}`);
  }
}

function children(node, q) {
  switch (node.t) {
    case 'call':
      return { open: `${node.fn}(`, close: ')', items: [...node.args.map((a) => ['', a]), ...node.kwargs.map(([k, v]) => [`${k}=`, v])] };
    case 'list':
      return { open: '[', close: ']', items: node.items.map((i) => ['', i]) };
    case 'tuple':
      return { open: '(', close: ')', items: node.items.map((i) => ['', i]) };
    case 'dict':
      return { open: '{', close: '}', items: node.entries.map(([k, v]) => [`${flat(k, q)}: `, v]) };
    default:
      return undefined;
  }
}

/** `prefix + node + suffix` at `indent` spaces, as black would print it. Returns lines without newlines. */
export function black(node, indent, prefix = '', suffix = '', q = 'double') {
  const pad = ' '.repeat(indent);
  const parts = children(node, q);
  const empty = parts && parts.items.length === 0;
  if (!parts || empty || (!node.magic && indent + prefix.length + flat(node, q).length + suffix.length <= LINE_LENGTH)) {
    return [`${pad}${prefix}${flat(node, q)}${suffix}`];
  }
  const lines = [`${pad}${prefix}${parts.open}`];
  for (const [childPrefix, child] of parts.items) lines.push(...black(child, indent + 4, childPrefix, ',', q));
  lines.push(`${pad}${parts.close}${suffix}`);
  return lines;
}


/**
 * One element the way Django's OperationWriter prints it (Django < 4.1): a call's arguments one per
 * line; list, tuple and dict arguments one item per line; everything below that flat.
 */
export function djangoWriter(node, indent, prefix = '', suffix = '') {
  const pad = ' '.repeat(indent);
  const q = 'single';
  if (node.t !== 'call') return [`${pad}${prefix}${flat(node, q)}${suffix}`];
  const lines = [`${pad}${prefix}${node.fn}(`];
  const inner = ' '.repeat(indent + 4);
  const argument = (key, value) => {
    if ((value.t === 'list' || value.t === 'tuple') && value.magic) {
      const [open, close] = value.t === 'list' ? ['[', ']'] : ['(', ')'];
      lines.push(`${inner}${key}${open}`);
      for (const item of value.items) lines.push(`${inner}    ${flat(item, q)},`);
      lines.push(`${inner}${close},`);
    } else if (value.t === 'dict' && value.magic) {
      lines.push(`${inner}${key}{`);
      for (const [k, v] of value.entries) lines.push(`${inner}    ${flat(k, q)}: ${flat(v, q)},`);
      lines.push(`${inner}},`);
    } else lines.push(`${inner}${key}${flat(value, q)},`);
  };
  for (const a of node.args) argument('', a);
  for (const [k, v] of node.kwargs) argument(`${k}=`, v);
  lines.push(`${pad})${suffix}`);
  return lines;
}
