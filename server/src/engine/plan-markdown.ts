import type { PlanStep, SwapPlan } from '../django/swap/plan-data';

/** The plan as Markdown, rendered from the same data `--format json` prints. */
export function planMarkdown(plan: SwapPlan): string {
  const out: string[] = [];
  const same = plan.from.toLowerCase() === plan.to.toLowerCase();
  out.push(same ? `# \`${plan.setting}\` names \`${plan.to}\`: nothing to move` : `# Changing \`${plan.setting}\` from \`${plan.from}\` to \`${plan.to}\``, '');
  const source = {
    option: 'as given with --from',
    settings: 'the value in the settings now',
    git: "the value before the setting's last change in git",
    migrations: 'the model the migrations create and the code no longer defines',
    database: "the setting's default: the database applied migrations depending on the setting before the new model's",
    none: 'nothing says otherwise',
  }[plan.fromSource];
  out.push(`- The databases were migrated with \`${plan.from}\` (${source}).`);
  const db = plan.database;
  out.push(
    db.kind === 'assumed'
      ? '- No database was read: every migration the project has is taken as applied, except those of the new model\'s app. Give `--database` (SQLite) or `--history` (`showmigrations --list` output) to plan from what a database has.'
      : `- Database read: \`${db.file}\` (${db.kind === 'sqlite' ? 'SQLite, read-only' : 'showmigrations output'}), ${db.applied} applied migrations.`,
  );
  out.push('');
  if (!plan.possible) {
    out.push('## No safe plan', '', plan.reason ?? '', '');
    notes(plan, out);
    return out.join('\n');
  }
  if (plan.deployments.length === 0) {
    notes(plan, out);
    return out.join('\n');
  }
  out.push('Back up each database first. Edits are made once, in the repository; SQL and commands run on each database, in this order.', '');
  plan.deployments.forEach((d, i) => {
    out.push(`## Deployment ${i + 1} of ${plan.deployments.length}: ${d.title}${d.done ? ' (done on the database read)' : ''}`, '', d.why, '');
    d.steps.forEach((step, j) => out.push(...renderStep(step, j + 1), ''));
  });
  notes(plan, out);
  out.push('Nothing in this plan drops a table or deletes a row. `djswap plan --write` (or the editor\'s action) writes the edits of the next deployment; it never runs SQL or commands.', '');
  return out.join('\n');
}

function notes(plan: SwapPlan, out: string[]): void {
  if (plan.notes.length === 0) return;
  out.push('## Notes', '');
  for (const note of plan.notes) out.push(`- ${note}`);
  out.push('');
}

function fence(language: string, text: string): string[] {
  const ticks = text.includes('```') ? '````' : '```';
  return [`${ticks}${language}`, ...text.replace(/\n$/, '').split('\n'), ticks];
}

function renderStep(step: PlanStep, n: number): string[] {
  switch (step.kind) {
    case 'edit':
      if ('delete' in step) return [`${n}. Delete \`${step.file}\`. ${step.summary}`];
      return [`${n}. Write \`${step.file}\`. ${step.summary}`, '', ...fence(step.file.endsWith('.py') ? 'python' : '', step.newText).map((l) => (l ? `   ${l}` : l))];
    case 'sql': {
      const same = step.sqlite.join('\n') === step.postgresql.join('\n');
      const lines = [`${n}. On each database (\`python manage.py dbshell\`): ${step.summary}`, ''];
      if (same) lines.push(...fence('sql', step.sqlite.join('\n')).map((l) => `   ${l}`));
      else {
        lines.push('   SQLite:', '', ...fence('sql', step.sqlite.join('\n')).map((l) => `   ${l}`), '', '   PostgreSQL:', '', ...fence('sql', step.postgresql.join('\n')).map((l) => `   ${l}`));
      }
      return lines;
    }
    case 'command':
      return [`${n}. On each database: \`${step.argv.join(' ')}\`. ${step.summary}`];
  }
}
