import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, Registry, parseRawGrammar, type IGrammar } from 'vscode-textmate';
import { REPO } from '../helpers/paths';

const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));

let grammar: IGrammar;

before(async () => {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const contributed = manifest.contributes.grammars as { scopeName: string; path: string; injectTo: string[] }[];
  const files: Record<string, string> = { 'source.python': path.join(REPO, 'test', 'grammar', 'python-base.tmLanguage.json') };
  for (const g of contributed) files[g.scopeName] = path.join(REPO, g.path);
  const registry = new Registry({
    onigLib: Promise.resolve({ createOnigScanner: (s: string[]) => new oniguruma.OnigScanner(s), createOnigString: (s: string) => new oniguruma.OnigString(s) }),
    loadGrammar: async (scopeName) => (files[scopeName] ? parseRawGrammar(fs.readFileSync(files[scopeName], 'utf8'), files[scopeName]) : null),
    getInjections: (scopeName) => contributed.filter((g) => g.injectTo.includes(scopeName)).map((g) => g.scopeName),
  });
  grammar = (await registry.loadGrammar('source.python'))!;
});

/** The scopes of each token that carries one of djswap's scopes, as `text: scope`. */
function djswapTokens(line: string): string[] {
  const { tokens } = grammar.tokenizeLine(line, INITIAL);
  return tokens
    .map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scope: t.scopes.find((s) => s.endsWith('.djswap')) }))
    .filter((t) => t.scope)
    .map((t) => `${t.text}: ${t.scope}`);
}

describe('the injection grammar', () => {
  it('is contributed for source.python', () => {
    assert.deepEqual(manifest.contributes.grammars, [{ scopeName: 'djswap.injection.python', path: './syntaxes/djswap.injection.json', injectTo: ['source.python'] }]);
  });

  it('scopes settings.<SWAPPABLE_SETTING> and the helper objects', () => {
    assert.deepEqual(djswapTokens('    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)'), [
      'settings: variable.other.object.settings.djswap',
      'AUTH_USER_MODEL: constant.other.swappable-setting.djswap',
    ]);
    assert.deepEqual(djswapTokens('app = models.ForeignKey(oauth2_settings.APPLICATION_MODEL, on_delete=CASCADE)'), [
      'oauth2_settings: variable.other.object.settings.djswap',
      'APPLICATION_MODEL: constant.other.swappable-setting.djswap',
    ]);
  });

  it('scopes swappable_dependency(...) and run_before', () => {
    assert.deepEqual(djswapTokens('        migrations.swappable_dependency(settings.AUTH_USER_MODEL),'), [
      'swappable_dependency: support.function.swappable-dependency.djswap',
      'settings: variable.other.object.settings.djswap',
      'AUTH_USER_MODEL: constant.other.swappable-setting.djswap',
    ]);
    assert.deepEqual(djswapTokens('    run_before = ['), ['run_before: variable.other.run-before.djswap']);
  });

  it('scopes "app_label.Model" strings that are relation targets, positional or to=', () => {
    assert.deepEqual(djswapTokens('    author = models.ForeignKey("auth.User", on_delete=models.CASCADE)'), [
      'ForeignKey: support.type.relation-field.djswap',
      'auth.User: entity.name.type.model-label.djswap',
    ]);
    assert.deepEqual(djswapTokens("    fans = models.ManyToManyField(to='auth.user')"), [
      'ManyToManyField: support.type.relation-field.djswap',
      'auth.user: entity.name.type.model-label.djswap',
    ]);
  });

  it('leaves comments, other strings and ordinary names alone', () => {
    assert.deepEqual(djswapTokens('# settings.AUTH_USER_MODEL in a comment'), []);
    assert.deepEqual(djswapTokens('label = "settings.AUTH_USER_MODEL"'), []);
    assert.deepEqual(djswapTokens('title = models.CharField("auth.User", max_length=10)'), []);
    assert.deepEqual(djswapTokens('settings.DEBUG'), []);
  });
});
