import * as assert from 'node:assert/strict';
import { mayBind } from '../../server/src/rules/models/swapped-model-import';

describe('SWP102 text prefilter: which modules are worth parsing', () => {
  const user = 'django.contrib.auth.models.User';

  it('keeps every way of importing the class or its module', () => {
    for (const text of [
      'from django.contrib.auth.models import User\n',
      'from django.contrib.auth.models import Group, User as DjangoUser\n',
      'import django.contrib.auth.models as auth_models\n',
      'from django.contrib.auth import models\n',
      'from django.contrib.auth import get_user_model, models as auth_models\n',
      'from django.contrib.auth import (\n    get_user_model,\n    models,\n)\n',
      'from django.contrib.auth import get_user_model, \\\n    models\n',
      'from  django.contrib.auth  import models\n',
    ]) {
      assert.equal(mayBind(text, user), true, text);
    }
  });

  it('rules out modules that import only something else from the package', () => {
    for (const text of [
      'from django.contrib.auth import get_user_model\n\nUser = get_user_model()\n',
      'from django.contrib.auth import login, logout\nfrom . import models\n',
      'from django.contrib.auth.decorators import login_required\n',
      'from django.db import models\n\nclass User(models.Model):\n    pass\n',
      '',
    ]) {
      assert.equal(mayBind(text, user), false, text);
    }
  });

  it('works for a class whose module sits at the top of a package', () => {
    assert.equal(mayBind('from oauth2_provider.models import Application\n', 'oauth2_provider.models.Application'), true);
    assert.equal(mayBind('from oauth2_provider import models as oauth_models\n', 'oauth2_provider.models.Application'), true);
    assert.equal(mayBind('from oauth2_provider.views import TokenView\n', 'oauth2_provider.models.Application'), false);
  });
});
