// The preview as plain text, for `npm run import` (a scheduled run's log, or the person at the terminal): the same
// sections as the preview page, in Swedish, with personnummer masked. Who is reached is listed whole, the rest up to a limit.
import type { TFunction } from 'i18next';
import { DEFAULT_LANGUAGE, formatDate, LONG_DATE, translator } from '../kernel/i18n.ts';
import type { FieldError } from '../kernel/forms.ts';
import type { ReadFile } from './layout.ts';
import { changesNothing, type ImportPlan } from './rules.ts';

export function previewText(file: ReadFile, plan: ImportPlan | undefined, limit = 50): string {
  const t: TFunction = translator(DEFAULT_LANGUAGE);
  const date = (day: string) => formatDate(day, DEFAULT_LANGUAGE, LONG_DATE);
  const message = (e: FieldError) => t(e.key, e.params ?? {});
  const out: string[] = [t('registryImport.preview.fileInfo', { encoding: file.encoding === 'utf-8' ? 'UTF-8' : 'Windows-1252', delimiter: file.delimiter })];
  if (file.problem) {
    out.push(t('registryImport.problem.title'));
    out.push(file.problem.kind === 'missing-columns' ? t('registryImport.problem.missingColumns', { columns: file.problem.missing.join(', ') })
      : t(`registryImport.problem.${file.problem.kind}`));
    return `${out.join('\n')}\n`;
  }
  if (!plan) return `${out.join('\n')}\n`;
  const section = (id: string, items: string[], whole = false) => {
    if (items.length === 0) return;
    out.push('', `${t(`registryImport.sections.${id}`)} (${items.length})`);
    for (const item of whole ? items : items.slice(0, limit)) out.push(`  ${item}`);
    if (!whole && items.length > limit) out.push(`  ${t('registryImport.more', { count: items.length - limit })}`);
  };
  section('refused', plan.refused.map((r) => `${t('registryImport.line')} ${r.line}${r.who && r.who !== '–' ? ` (${r.who})` : ''}: ${message(r.reason)}`), true);
  section('reach', plan.reach.map((r) => {
    const how = r.how === 'mail' ? `${t('registryImport.how.mail')} ${r.email}` : r.how === 'held' ? `${t('registryImport.how.held', { date: date(r.sendOn) })} ${r.email}`
      : t(`registryImport.how.${r.how}`);
    const marker = r.protectedIdentity ? ` [${t('people.protectedIdentityShort')}]` : '';
    return `${r.name}${marker} – ${t('registryImport.children', { children: r.children.map((c) => c.name).join(', ') })} – ${how}`;
  }), true);
  section('protected', plan.protectedChanges.map((p) => `${p.name} (${p.masked}): ${t(p.protectedIdentity ? 'registryImport.protectedOn' : 'registryImport.protectedOff')}`));
  section('newPersons', plan.newPersons.map((p) => `${p.name} (${p.masked}), ${t(`registryImport.roles.${p.role}`)}`));
  section('changedPersons', plan.changedPersons.map((p) => `${p.name} (${p.masked}): ${p.fields.map((f) => t(`registryImport.personFields.${f.field}`)).join(', ')}`));
  section('newPlacements', plan.newPlacements.map((p) => t('registryImport.placement', { child: p.childName, group: p.groupName, unit: p.unitName, start: date(p.startDate) })));
  section('changedPlacements', plan.changedPlacements.map((p) => `${p.childName}, ${p.groupName}: ${p.newEnd ? t('registryImport.lastDay', { date: date(p.newEnd) }) : t('registryImport.noEnd')}`));
  section('endedPlacements', plan.endedPlacements.map((p) => `${p.childName}, ${p.groupName}: ${t('registryImport.lastDay', { date: date(p.newEnd ?? '') })}`));
  section('removedPlacements', plan.removedPlacements.map((p) => `${p.childName}, ${p.groupName}`));
  section('newGuardianships', plan.newGuardianships.map((g) => t('registryImport.guardianOf', { guardian: g.guardianName, child: g.childName })));
  section('removedGuardianships', plan.removedGuardianships.map((g) => t('registryImport.guardianOf', { guardian: g.guardianName, child: g.childName })));
  section('changedGuardianships', plan.changedGuardianships.map((g) => t('registryImport.guardianOf', { guardian: g.guardianName, child: g.childName })));
  section('newAssignments', plan.newAssignments.map((a) => `${a.name}: ${t(`registryImport.roles.${a.role}`)}, ${a.unitName}${a.groupName ? `, ${a.groupName}` : ''}`));
  if (plan.refused.length > 0) out.push('', t('registryImport.cannotApprove'));
  else if (changesNothing(plan)) out.push('', t('registryImport.nothing'));
  return `${out.join('\n')}\n`;
}

/** The line after an approval's preview: applied, or why not. */
export function outcomeText(outcome: 'applied' | 'refused-rows' | 'changed-since-preview' | 'unreadable'): string {
  const t: TFunction = translator(DEFAULT_LANGUAGE);
  return t(outcome === 'applied' ? 'registryImport.applied' : outcome === 'changed-since-preview' ? 'registryImport.errors.changed' : 'registryImport.errors.notClean');
}
