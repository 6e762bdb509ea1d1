// The demo mailbox: on a demo database without SMTP_URL every mail is delivered here instead of being sent, so the
// flows that mail (invitations, password reset...) can be tried. Registered only on a demo database (app.ts).
//
// The outbox does not record a municipality per mail, so the mailbox is the whole demo database's: every admin of
// the demo (Demokommun's and Grannkommun's alike) reads every mail in it. That is acceptable for made-up people in a
// demo; a real database has no mailbox page at all.
import type { Db } from '../kernel/db.ts';
import { notFound, parseId, type RouteTable } from '../kernel/http.ts';
import { render } from '../kernel/views.ts';

const SHOWN = 200;

export function demoMailboxRoutes(routes: RouteTable, { db }: { db: Db }): void {
  routes.get('/demo/mailbox', 'demo.mailbox.read', async (req, res) => {
    const mails = await db.selectFrom('mail_outbox').select(['id', 'recipient', 'subject', 'sent_at'])
      .where('demo_mailbox', '=', 1).orderBy('sent_at', 'desc').orderBy('id', 'desc').limit(SHOWN).execute();
    render(req, res, 'demo/mailbox', {
      title: req.t('demo.mailbox.title'),
      mails: mails.map((m) => ({ id: m.id, to: m.recipient, subject: m.subject, sentAt: m.sent_at })),
    });
  });

  routes.get('/demo/mailbox/:mailId', 'demo.mailbox.read', async (req, res) => {
    const id = parseId(req.params.mailId);
    if (id === undefined) throw notFound();
    const mail = await db.selectFrom('mail_outbox').select(['id', 'recipient', 'subject', 'sent_at', 'text_body'])
      .where('id', '=', id).where('demo_mailbox', '=', 1).executeTakeFirst();
    if (!mail) throw notFound();
    render(req, res, 'demo/mail', {
      mail: { to: mail.recipient, subject: mail.subject, sentAt: mail.sent_at, paragraphs: paragraphs(mail.text_body ?? '') },
    });
  });
}

export interface TextPiece { text: string; url?: string }

/**
 * The text body as paragraphs of lines of pieces, each piece text or a web address, so that the view escapes
 * everything and links only http(s) addresses (in a demo, the links of an invitation are the point). The HTML body
 * is never shown: it is HTML from a template fed with users' data, and this page is ours.
 */
export function paragraphs(text: string): TextPiece[][][] {
  return text.replace(/\r\n?/g, '\n').trim().split(/\n{2,}/).map((paragraph) => paragraph.split('\n').map(pieces));
}

function pieces(line: string): TextPiece[] {
  const out: TextPiece[] = [];
  let last = 0;
  for (const m of line.matchAll(/https?:\/\/[^\s<>"']+/g)) {
    const url = m[0].replace(/[.,;:!?)]+$/, '');
    if (m.index > last) out.push({ text: line.slice(last, m.index) });
    out.push({ text: url, url });
    last = m.index + url.length;
  }
  if (last < line.length) out.push({ text: line.slice(last) });
  return out;
}
