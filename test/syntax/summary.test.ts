import * as assert from 'node:assert/strict';
import { DJANGO_SUMMARY_OPTIONS } from '../../server/src/django/summary';
import { summarizeModule, type PyExpr } from '../../server/src/syntax/python';
import { describeEachBackend } from '../helpers/parsers';

describe('Django summary options', () => {
  it('skip the arguments of plain field classes only', () => {
    const skip = DJANGO_SUMMARY_OPTIONS.skipArguments!;
    for (const callee of ['models.CharField', 'CharField', 'models.BigAutoField', 'ClientSecretField', 'oauth2_provider.models.ClientSecretField']) assert.equal(skip(callee), true, callee);
    for (const callee of ['models.ForeignKey', 'models.OneToOneField', 'models.ManyToManyField', 'ParentalManyToManyField', 'migrations.AddField', 'migrations.AlterField', 'AddField', 'migrations.CreateModel', 'swappable_dependency']) {
      assert.equal(skip(callee), false, callee);
    }
  });
});

describeEachBackend('module summary', (parser) => {
  const summarize = (source: string) => summarizeModule(parser().parse(source), source, DJANGO_SUMMARY_OPTIONS);

  it('keeps relation fields inside AddField, drops plain fields arguments', () => {
    const module = summarize('ops = [migrations.AddField(model_name="post", name="a", field=models.ForeignKey(to="auth.user", on_delete=x)), models.CharField(max_length=10)]\n');
    const value = (module.statements[0] as { value: PyExpr }).value;
    assert.ok(value.k === 'list');
    const [addField, charField] = value.items as Extract<PyExpr, { k: 'call' }>[];
    assert.deepEqual(addField.keywords.map((k) => k.name), ['model_name', 'name', 'field']);
    const field = addField.keywords[2].value as Extract<PyExpr, { k: 'call' }>;
    assert.deepEqual(field.keywords.map((k) => [k.name, k.value.k]), [['to', 'str'], ['on_delete', 'name']]);
    assert.deepEqual([charField.args, charField.keywords], [[], []]);
  });

  it('reads strings of every form, and gives up on the dynamic ones', () => {
    const module = summarize(`a = "x\\\\ny"\nb = 'q' "r"\nc = r"\\\\d"\nd = f"{x}"\ne = b"bytes"\nf = """doc"""\n`);
    const values = module.statements.map((s) => (s as { value: PyExpr }).value).map((v) => (v.k === 'str' ? v.value : v.k));
    assert.deepEqual(values, ['x\\ny', 'qr', '\\\\d', 'unknown', 'unknown', 'doc']);
  });

  it('keeps what it can of broken code and records where the parser recovered', () => {
    const module = summarize('from django.conf import settings\nclass A(models.Model):\n    x = models.ForeignKey("auth.User", \n\nAUTH_USER_MODEL = "users.User"\n');
    assert.ok(module.syntaxErrors.length > 0);
    assert.deepEqual(module.imports.map((i) => i.module), ['django.conf']);
  });
});
