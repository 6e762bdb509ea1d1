// The preview as plain text, for `npm run import` (a scheduled run's log, or the person at the terminal): the same
// sections as the preview page, in Swedish, with personnummer masked. Who is reached is listed whole, the rest up to a limit.
import type { TFunction } from 'i18next';
import { DEFAULT_LANGUAGE, formatDate, LONG_DATE, translator } from '../kernel/i18n.ts';
import type { FieldError } from '../kernel/forms.ts';
import { ENCODING_NAMES, type FileProblem, type ReadFile } from './layout.ts';
import { csvCell } from '../audit/rules.ts';
import { changesNothing, type ImportPlan, type MassEnd, type Reach } from './rules.ts';

export function previewText(file: ReadFile, plan: ImportPlan | undefined, limit = 50): string {
  const t: TFunction = translator(DEFAULT_LANGUAGE);
  const date = (day: string) => formatDate(day, DEFAULT_LANGUAGE, LONG_DATE);
  const message = (e: FieldError) => t(e.key, e.params ?? {});
  const out: string[] = [t('registryImport.preview.fileInfo', { encoding: ENCODING_NAMES[file.encoding], delimiter: file.delimiter })];
  if (file.problem) {
    out.push(t('registryImport.problem.title'));
    out.push(problemText(t, file.problem));
    return `${out.join('\n')}\n`;
  }
  if (!plan) return `${out.join('\n')}\n`;
  const section = (id: string, items: string[], whole = false) => {
    if (items.length === 0) return;
    out.push('', `${t(`registryImport.sections.${id}`)} (${items.length})`);
    for (const item of whole ? items : items.slice(0, limit)) out.push(`  ${item}`);
    if (!whole && items.length > limit) out.push(`  ${t('registryImport.more', { count: items.length - limit })}`);
  };
  if (plan.massEnd) out.push('', `${t('registryImport.massEnd.title')}: ${massEndText(t, plan.massEnd)}`);
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
  section('newAssignments', plan.newAssignments.map((a) => `${a.name}: ${t(`registryImport.roles.${a.role}`)}, ${a.unitName}${a.groupName ? `, ${a.groupName}` : ''}`
    + `${a.endDate ? `: ${t('registryImport.lastDay', { date: date(a.endDate) })}` : ''}`));
  section('endedAssignments', plan.endedAssignments.map((a) => `${a.name}: ${t(`registryImport.roles.${a.role}`)}, ${a.unitName}${a.groupName ? `, ${a.groupName}` : ''}: `
    + t('registryImport.lastDay', { date: date(a.newEnd) })));
  if (plan.refused.length > 0) out.push('', t('registryImport.cannotApprove'));
  else if (changesNothing(plan)) out.push('', t('registryImport.nothing'));
  return `${out.join('\n')}\n`;
}

/** The warning of a plan that ends a large share of the register: how many of how many, in words. */
export function massEndText(t: TFunction, m: MassEnd): string {
  return t('registryImport.massEnd.text', { ...m });
}

/** Why the file as a whole cannot be read, in words. */
export function problemText(t: TFunction, problem: FileProblem): string {
  if (problem.kind === 'missing-columns') return t('registryImport.problem.missingColumns', { columns: problem.missing.join(', ') });
  if (problem.kind === 'delimiter') return t('registryImport.problem.delimiter', { found: problem.found === '\t' ? t('registryImport.problem.tab') : problem.found });
  return t(`registryImport.problem.${problem.kind}`);
}

/** The line after an approval's preview: applied, or why not. */
export function outcomeText(outcome: 'applied' | 'refused-rows' | 'changed-since-preview' | 'mass-end' | 'unreadable'): string {
  const t: TFunction = translator(DEFAULT_LANGUAGE);
  if (outcome === 'mass-end') return t('registryImport.massEnd.cli');
  return t(outcome === 'applied' ? 'registryImport.applied' : outcome === 'changed-since-preview' ? 'registryImport.errors.changed' : 'registryImport.errors.notClean');
}

const REACH_COLUMNS = ['vardnadshavare', 'skyddad_identitet', 'barn', 'enhet', 'hur', 'epost', 'skickas'] as const;
const HOW_WORDS: Record<Reach['how'], string> = { mail: 'epost', held: 'epost_senare', paper: 'papper', notified: 'notis' };

/**
 * Who an import reaches, whole, as CSV (`;`, a byte order mark so that a spreadsheet reads å, ä and ö): the guardian,
 * a protected identity marked, their children, the signing unit, how and when (no personnummer, no address).
 */
export function reachCsv(reach: readonly Reach[]): string {
  const rows = reach.map((r) => [
    r.name, r.protectedIdentity ? 'ja' : 'nej', r.children.map((c) => c.name).join(', '), r.unitName, HOW_WORDS[r.how], r.email, r.sendOn,
  ].map(csvCell).join(';'));
  return `\uFEFF${[REACH_COLUMNS.join(';'), ...rows].map((line) => `${line}\r\n`).join('')}`;
}
