// The languages a guardian can choose: each one's dates are Gregorian with the digits 0–9 (Node writes Persian in the
// Solar Hijri calendar unless told), its page and mail say the right `lang` and direction, and its week view reads right.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { LANGUAGES, LONG_DATE, WEEKDAY_NAME, formatDate, formatDateTime, languageByCode, translator, type Language } from '../../server/kernel/i18n.ts';
import { composeMail } from '../../server/mail/compose.ts';
import { postForm, signIn, startTestApp, type TestApp } from '../support/app.ts';
import { personId } from '../support/demo.ts';

const TUESDAY_1_DECEMBER = '2026-12-01';
/** Digits other than 0–9 (Arabic-Indic, Persian and the like): the texts' times and counts use 0–9, so dates do too. */
const OTHER_DIGITS = /[^\P{Nd}0-9]/u;

/** What Intl writes for a part of a date in the language's own Gregorian calendar, in a "1 December" context. */
function gregorian(language: Language, date: string, part: 'month' | 'weekday'): string {
  const options: Intl.DateTimeFormatOptions = part === 'month' ? { day: 'numeric', month: 'long' } : { weekday: 'long' };
  const format = new Intl.DateTimeFormat(`${language.tag}-u-ca-gregory`, { ...options, timeZone: 'UTC' });
  const found = format.formatToParts(new Date(`${date}T00:00:00Z`)).find((p) => p.type === part)?.value;
  assert.ok(found, `${language.code}: Intl has a ${part} name`);
  return found;
}

describe('every language', () => {
  for (const language of LANGUAGES) {
    it(`${language.code}: writes Tuesday 1 December 2026 as a Gregorian date in the digits 0–9`, () => {
      const long = formatDate(TUESDAY_1_DECEMBER, language);
      assert.ok(long.includes(gregorian(language, TUESDAY_1_DECEMBER, 'month')), `${language.code}: "${long}" names December`);
      assert.ok(long.includes(gregorian(language, TUESDAY_1_DECEMBER, 'weekday')), `${language.code}: "${long}" names Tuesday`);
      assert.match(long, /(^|\D)1(\D|$)/, `${language.code}: "${long}" is the 1st`);
      assert.doesNotMatch(long, OTHER_DIGITS, `${language.code}: "${long}"`);
      const withYear = formatDate(TUESDAY_1_DECEMBER, language, LONG_DATE);
      assert.match(withYear, /2026/, `${language.code}: "${withYear}" is in 2026`);
      const instant = formatDateTime(new Date('2026-12-01T06:30:00Z'), language);
      assert.match(instant, /2026/, `${language.code}: "${instant}" is in 2026`);
      assert.match(instant, /7:30/, `${language.code}: "${instant}" is 07:30 in Stockholm`);
      assert.doesNotMatch(`${withYear} ${instant}`, OTHER_DIGITS, language.code);
    });

    it(`${language.code}: names Monday as the first ISO weekday and the week by its number`, () => {
      assert.equal(formatDate('2024-01-01', language, WEEKDAY_NAME), gregorian(language, '2024-01-01', 'weekday'));
      assert.match(translator(language)('common.week', { week: 49 }), /(^|\D)49(\D|$)/);
    });
  }

  it('finds December in Persian only in the Gregorian calendar (the check can fail)', () => {
    const persian = languageByCode('fa')!;
    const solarHijri = new Intl.DateTimeFormat('fa', { day: 'numeric', month: 'long', timeZone: 'UTC' }).format(new Date(`${TUESDAY_1_DECEMBER}T00:00:00Z`));
    assert.equal(solarHijri, '۱۰ آذر', 'Node writes Persian in the Solar Hijri calendar by default');
    assert.ok(!solarHijri.includes(gregorian(persian, TUESDAY_1_DECEMBER, 'month')));
    assert.equal(formatDate(TUESDAY_1_DECEMBER, persian), 'سه‌شنبه 1 دسامبر');
    assert.equal(formatDate(TUESDAY_1_DECEMBER, languageByCode('prs')!), 'سه‌شنبه 1 دسمبر');
    assert.equal(formatDate(TUESDAY_1_DECEMBER, languageByCode('so')!), 'Talaado, Diseembar 1');
  });

  it('has a name of its own, a canonical BCP 47 tag and its direction', () => {
    assert.deepEqual(LANGUAGES.map((l) => [l.code, l.name, l.tag, l.dir]), [
      ['sv', 'Svenska', 'sv', 'ltr'],
      ['en', 'English', 'en', 'ltr'],
      ['ar', 'العربية', 'ar', 'rtl'],
      ['so', 'Soomaali', 'so', 'ltr'],
      ['fa', 'فارسی', 'fa', 'rtl'],
      ['prs', 'دری', 'fa-AF', 'rtl'],
    ]);
    for (const l of LANGUAGES) assert.deepEqual(Intl.getCanonicalLocales(l.tag), [l.tag], l.code);
    assert.deepEqual(Intl.getCanonicalLocales('prs'), ['fa-AF'], 'Intl knows Dari as Persian of Afghanistan');
  });

  it('writes a mail with the language\'s tag and direction', () => {
    const mail = composeMail('test-mail', languageByCode('prs')!, { url: 'https://vardag.example' });
    assert.match(mail.html, /<html lang="fa-AF" dir="rtl">/);
    assert.match(mail.subject, /ایمیل آزمایشی از Vardag/);
  });
});

describe('the new languages in the pages', () => {
  let t: TestApp;
  before(async () => { t = await startTestApp(); }); // Tuesday 24 November 2026
  after(() => t.close());

  it('shows the login page in Dari, right to left, with every language offered under its own tag', async () => {
    const agent = request.agent(t.app);
    await postForm(agent, '/login', '/language', { language: 'prs', next: '/login' });
    const page = await agent.get('/login');
    assert.match(page.text, /<html lang="fa-AF" dir="rtl">/);
    assert.match(page.text, /<label for="username">نام کاربری یا آدرس ایمیل<\/label>/);
    assert.match(page.text, /<option value="prs" lang="fa-AF" selected>دری<\/option>/);
    assert.match(page.text, /<option value="fa" lang="fa">فارسی<\/option>/);
    assert.match(page.text, /<option value="so" lang="so">Soomaali<\/option>/);
  });

  const weeks: [string, string, RegExp, string][] = [
    ['so', 'ltr', /Toddobaadka 49/, 'Talaado, Diseembar 1'],
    ['fa', 'rtl', /هفتهٔ 49/, 'سه‌شنبه 1 دسامبر'],
    ['prs', 'rtl', /هفتهٔ 49/, 'سه‌شنبه 1 دسمبر'],
  ];
  for (const [code, dir, week, tuesday] of weeks) {
    it(`shows a guardian's care-time week in ${code}: the ISO week and the Gregorian days`, async () => {
      const emma = await signIn(t.app, 'vardnadshavare');
      const elsa = await personId(t.db, 'Elsa', 'Andersson');
      const schedule = `/children/${elsa}/schedule?week=2026-W49`;
      await postForm(emma, schedule, '/language', { language: code, next: schedule });
      const page = await emma.get(schedule);
      assert.equal(page.status, 200);
      assert.match(page.text, new RegExp(`<html lang="${languageByCode(code)!.tag}" dir="${dir}">`));
      assert.match(page.text, week);
      assert.ok(page.text.includes(tuesday), `${code}: the week shows "${tuesday}"`);
      assert.doesNotMatch(page.text, /آذر|قوس/, 'no Solar Hijri month');
    });
  }
});
