// Mails are written like pages: two Eta templates per mail, views/mail/<name>.text.eta (plain text, nothing escaped)
// and views/mail/<name>.html.eta (escaped, in views/mail/layout.html.eta), in the recipient's language.
import { Eta } from 'eta';
import type { Language } from '../kernel/i18n.ts';
import { translator } from '../kernel/i18n.ts';
import { VIEWS_DIR } from '../kernel/views.ts';
import { findIdentityNumbers } from '../people/identity-numbers.ts';

export { findIdentityNumbers };

const cache = process.env.NODE_ENV === 'production';
const htmlEta = new Eta({ views: VIEWS_DIR, cache, autoEscape: true, autoTrim: [false, 'nl'] });
// Text keeps its line breaks as written (an empty line is a paragraph); tidyText evens out what tags leave behind.
const textEta = new Eta({ views: VIEWS_DIR, cache, autoEscape: false, autoTrim: false });

export interface ComposedMail { subject: string; text: string; html: string }

/**
 * Renders the mail `name` in `language`. The templates get `{ t, lang, dir, ...data, subject }`; the subject is the
 * catalogue's `mail.<name>.subject` with `data` as its variables. `data.municipality` (and `data.unit`, where the mail
 * concerns one) sign the mail, so the reader knows who writes. Throws if the result holds a personal identity
 * number: a mail never carries one, whatever a caller passed in.
 */
export function composeMail(name: string, language: Language, data: Record<string, unknown>): ComposedMail {
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`composeMail: "${name}" is not a mail name`);
  const t = translator(language);
  const subject = t(`mail.${name}.subject`, data).replace(/\s+/g, ' ').trim();
  const context = { t, lang: language.tag, dir: language.dir, ...data, subject };
  const text = tidyText(textEta.render(`mail/${name}.text.eta`, context));
  const html = htmlEta.render(`mail/${name}.html.eta`, context);
  const found = findIdentityNumbers(`${subject}\n${text}\n${html}`);
  if (found.length) throw new Error(`composeMail: the mail "${name}" would contain a personal identity number; it was not composed`);
  return { subject, text, html };
}

/** Trailing spaces off (but for the signature line "-- "), at most one empty line in a row, one line break at the end. */
function tidyText(text: string): string {
  return `${text.replace(/^(?!-- $)(.*?)[ \t]+$/gm, '$1').replace(/\n{3,}/g, '\n\n').trim()}\n`;
}
