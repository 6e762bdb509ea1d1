// The demo's school assessment: Demokommun's matrix (Arbetar mot / Uppnår / Fördjupar; Svenska, Matematik, Engelska
// with their abilities), Oskar's assessments of this term (Svenska and Matematik published, Engelska a draft of his
// teacher Tove's) and the 4A pupil's published one in Svenska (written by Bo, the school's head).
import type { Db } from '../kernel/db.ts';
import type { SchoolDemo } from '../people/school-demo.ts';
import { termOf } from '../kernel/terms.ts';
import { nameKey } from './rules.ts';

const LEVELS = ['Arbetar mot', 'Uppnår', 'Fördjupar'] as const;
const SUBJECTS: readonly [string, readonly string[]][] = [
  ['Svenska', ['Läsa', 'Skriva', 'Tala']],
  ['Matematik', ['Taluppfattning', 'Problemlösning']],
  ['Engelska', ['Förstå', 'Tala']],
];

export async function seedDemoAssessment(db: Db, demo: SchoolDemo): Promise<void> {
  const at = demo.now.toISOString();
  const level = new Map<string, number>();
  for (const [n, name] of LEVELS.entries()) {
    const { id } = await db.insertInto('assessment_levels').values({ municipality_id: demo.municipalityId, name, name_key: nameKey(name), position: n + 1 }).returning('id').executeTakeFirstOrThrow();
    level.set(name, id);
  }
  const subject = new Map<string, { id: number; abilities: number[] }>();
  for (const [n, [name, abilities]] of SUBJECTS.entries()) {
    const { id } = await db.insertInto('assessment_subjects').values({ municipality_id: demo.municipalityId, name, name_key: nameKey(name), position: n + 1 }).returning('id').executeTakeFirstOrThrow();
    const ids: number[] = [];
    for (const [m, ability] of abilities.entries()) {
      ids.push((await db.insertInto('assessment_abilities').values({ subject_id: id, name: ability, name_key: nameKey(ability), position: m + 1 }).returning('id').executeTakeFirstOrThrow()).id);
    }
    subject.set(name, { id, abilities: ids });
  }
  await db.insertInto('assessment_matrix_changes').values([
    ...LEVELS.map((name) => `level added: ${name}`), ...SUBJECTS.map(([name]) => `subject added: ${name}`),
  ].map((change) => ({ municipality_id: demo.municipalityId, change, changed_by: demo.head, changed_at: at }))).execute();

  const levelOf = (name: string): number => {
    const id = level.get(name);
    if (id === undefined) throw new Error(`the demo matrix has no level ${name}`);
    return id;
  };
  const term = termOf(demo.today);
  const write = async (childId: number, groupId: number, by: number, subjectName: string, levels: readonly string[], comment: string, published: boolean) => {
    const s = subject.get(subjectName);
    if (!s) throw new Error(`the demo matrix has no ${subjectName}`);
    const { id } = await db.insertInto('assessments').values({
      child_id: childId, subject_id: s.id, term, group_id: groupId, comment, status: published ? 'published' : 'draft',
      published_at: published ? at : null, updated_at: at, updated_by: by,
    }).returning('id').executeTakeFirstOrThrow();
    await db.insertInto('assessment_marks').values(s.abilities.map((abilityId, n) => ({ assessment_id: id, ability_id: abilityId, level_id: levelOf(levels[n]) }))).execute();
  };
  await write(demo.oskar, demo.class2b, demo.teacher, 'Svenska', ['Uppnår', 'Arbetar mot', 'Fördjupar'],
    'Oskar läser med flyt och berättar gärna inför klassen. Nästa steg är att skriva längre texter med stor bokstav och punkt.', true);
  await write(demo.oskar, demo.class2b, demo.teacher, 'Matematik', ['Uppnår', 'Uppnår'],
    'Oskar räknar säkert med tal upp till hundra och förklarar hur han tänker när han löser problem.', true);
  await write(demo.oskar, demo.class2b, demo.teacher, 'Engelska', ['Uppnår', 'Arbetar mot'],
    'Utkast: Oskar förstår enkla instruktioner på engelska; vi övar på att våga säga mer.', false);
  await write(demo.pupil, demo.class4a, demo.head, 'Svenska', ['Fördjupar', 'Uppnår', 'Uppnår'],
    'Du läser längre böcker och skriver berättelser med tydlig början, mitt och slut. Fortsätt att öva på att tala inför gruppen.', true);
}
