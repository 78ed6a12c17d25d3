import type { FieldState, ModelState } from './model-state';

/**
 * What djswap knows, without reading their code, about the models a swap moves data out of and the
 * abstract classes a replacement subclasses: their fields as migration code (as `makemigrations`
 * writes them), their Meta options and managers. Used when the package's files are not in the
 * workspace; where they are (a virtual environment), the migrations are read instead.
 */

const field = (name: string, text: string, extra: Partial<FieldState> = {}): FieldState => ({ name, text, primaryKey: /\bprimary_key=True\b/.test(text), ...extra });

const AUTH_USER_FIELDS: FieldState[] = [
  field('id', "models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')"),
  field('password', "models.CharField(max_length=128, verbose_name='password')"),
  field('last_login', "models.DateTimeField(blank=True, null=True, verbose_name='last login')"),
  field('is_superuser', "models.BooleanField(default=False, help_text='Designates that this user has all permissions without explicitly assigning them.', verbose_name='superuser status')"),
  field(
    'username',
    "models.CharField(error_messages={'unique': 'A user with that username already exists.'}, help_text='Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.', max_length=150, unique=True, validators=[django.contrib.auth.validators.UnicodeUsernameValidator()], verbose_name='username')",
  ),
  field('first_name', "models.CharField(blank=True, max_length=150, verbose_name='first name')"),
  field('last_name', "models.CharField(blank=True, max_length=150, verbose_name='last name')"),
  field('email', "models.EmailField(blank=True, max_length=254, verbose_name='email address')"),
  field('is_staff', "models.BooleanField(default=False, help_text='Designates whether the user can log into this admin site.', verbose_name='staff status')"),
  field('is_active', "models.BooleanField(default=True, help_text='Designates whether this user should be treated as active. Unselect this instead of deleting accounts.', verbose_name='active')"),
  field('date_joined', "models.DateTimeField(default=django.utils.timezone.now, verbose_name='date joined')"),
  field(
    'groups',
    "models.ManyToManyField(blank=True, help_text='The groups this user belongs to. A user will get all permissions granted to each of their groups.', related_name='user_set', related_query_name='user', to='auth.Group', verbose_name='groups')",
    { target: { label: 'auth.Group' }, many: true },
  ),
  field(
    'user_permissions',
    "models.ManyToManyField(blank=True, help_text='Specific permissions for this user.', related_name='user_set', related_query_name='user', to='auth.Permission', verbose_name='user permissions')",
    { target: { label: 'auth.Permission' }, many: true },
  ),
];

/** auth.User as Django 3.1 to 5.2 leave it: after auth.0012_alter_user_first_name_max_length. */
const AUTH_USER: ModelState = {
  app: 'auth',
  name: 'User',
  fields: AUTH_USER_FIELDS,
  options: [
    ['verbose_name', "'user'"],
    ['verbose_name_plural', "'users'"],
    ['abstract', 'False'],
    ['swappable', "'AUTH_USER_MODEL'"],
  ],
  table: 'auth_user',
  swappable: 'AUTH_USER_MODEL',
  imports: ['from django.db import migrations, models', 'import django.contrib.auth.validators', 'import django.utils.timezone'],
  createdBy: 'auth.0001_initial',
  lastChangedBy: 'auth.0012_alter_user_first_name_max_length',
  unsupported: [],
  source: 'knowledge',
};

/** django-oauth-toolkit's Application after its migrations 0001 to 0005 (release 1.7). */
const DOT_APPLICATION: ModelState = {
  app: 'oauth2_provider',
  name: 'Application',
  fields: [
    field('id', 'models.BigAutoField(serialize=False, primary_key=True)'),
    field('client_id', 'models.CharField(default=oauth2_provider.generators.generate_client_id, unique=True, max_length=100, db_index=True)'),
    field('redirect_uris', "models.TextField(help_text='Allowed URIs list, space separated', blank=True)"),
    field('client_type', "models.CharField(max_length=32, choices=[('confidential', 'Confidential'), ('public', 'Public')])"),
    field(
      'authorization_grant_type',
      "models.CharField(choices=[('authorization-code', 'Authorization code'), ('implicit', 'Implicit'), ('password', 'Resource owner password-based'), ('client-credentials', 'Client credentials'), ('openid-hybrid', 'OpenID connect hybrid')], max_length=32)",
    ),
    field('client_secret', 'models.CharField(default=oauth2_provider.generators.generate_client_secret, max_length=255, db_index=True, blank=True)'),
    field('name', 'models.CharField(max_length=255, blank=True)'),
    field('user', "models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='%(app_label)s_%(class)s', to=settings.AUTH_USER_MODEL)", {
      target: { setting: 'AUTH_USER_MODEL' },
    }),
    field('skip_authorization', 'models.BooleanField(default=False)'),
    field('created', 'models.DateTimeField(auto_now_add=True)'),
    field('updated', 'models.DateTimeField(auto_now=True)'),
    field('algorithm', "models.CharField(blank=True, choices=[('', 'No OIDC support'), ('RS256', 'RSA with SHA-2 256'), ('HS256', 'HMAC with SHA-2 256')], default='', max_length=5)"),
  ],
  options: [
    ['abstract', 'False'],
    ['swappable', "'OAUTH2_PROVIDER_APPLICATION_MODEL'"],
  ],
  table: 'oauth2_provider_application',
  swappable: 'OAUTH2_PROVIDER_APPLICATION_MODEL',
  imports: ['from django.conf import settings', 'from django.db import migrations, models', 'import django.db.models.deletion', 'import oauth2_provider.generators'],
  createdBy: 'oauth2_provider.0001_initial',
  lastChangedBy: 'oauth2_provider.0005_auto_20211222_2352',
  unsupported: [],
  source: 'knowledge',
};

/** Later migrations of django-oauth-toolkit that change Application: the state above is older than them. */
const DOT_APPLICATION_LATER = ['0006_alter_application_client_secret', '0007_application_post_logout_redirect_uris', '0009_add_hash_client_secret', '0010_application_allowed_origins'];

export interface KnownState {
  state: ModelState;
  /** Migrations of the same app that change the model after the state described. */
  newerChanges: string[];
}

export function knownModelState(label: string): KnownState | undefined {
  if (label.toLowerCase() === 'auth.user') return { state: AUTH_USER, newerChanges: [] };
  if (label.toLowerCase() === 'oauth2_provider.application') return { state: DOT_APPLICATION, newerChanges: DOT_APPLICATION_LATER.map((n) => `oauth2_provider.${n}`) };
  return undefined;
}

/** An abstract class a replacement model may subclass: what it brings. */
export interface KnownBase {
  fields: string[];
  /** The Meta options a subclass without its own Meta inherits, as migration code. */
  meta: [string, string][];
  managers: { name: string; text: string; imports: string[] }[];
  /** The field state of each field it declares, where djswap can write it into a migration. */
  fieldStates?: FieldState[];
}

const USER_MANAGER = { name: 'objects', text: 'django.contrib.auth.models.UserManager()', imports: ['import django.contrib.auth.models'] };
const ABSTRACT_USER_FIELDS = AUTH_USER_FIELDS.filter((f) => f.name !== 'id');

const KNOWN_BASES: Record<string, KnownBase> = {
  'django.contrib.auth.models.AbstractUser': {
    fields: ABSTRACT_USER_FIELDS.map((f) => f.name),
    meta: [
      ['verbose_name', "'user'"],
      ['verbose_name_plural', "'users'"],
      ['abstract', 'False'],
    ],
    managers: [USER_MANAGER],
    fieldStates: ABSTRACT_USER_FIELDS,
  },
  'django.contrib.auth.models.AbstractBaseUser': { fields: ['password', 'last_login'], meta: [['abstract', 'False']], managers: [] },
  'django.contrib.auth.base_user.AbstractBaseUser': { fields: ['password', 'last_login'], meta: [['abstract', 'False']], managers: [] },
  'django.contrib.auth.models.PermissionsMixin': { fields: ['is_superuser', 'groups', 'user_permissions'], meta: [['abstract', 'False']], managers: [] },
  'oauth2_provider.models.AbstractApplication': {
    fields: DOT_APPLICATION.fields.map((f) => f.name),
    meta: [['abstract', 'False']],
    managers: [],
    fieldStates: DOT_APPLICATION.fields,
  },
};

export function knownBase(qualified: string): KnownBase | undefined {
  return KNOWN_BASES[qualified];
}
