// The demo mailbox: on a demo database without SMTP_URL every mail is delivered here instead of being sent, so the
// flows that mail (invitations, password reset...) can be tried. Registered only on a demo database (app.ts).
//
// Like the demo SMS outbox, a mail records the municipality it concerns (see queueMail): an admin sees the mails of the
// municipalities they administer and the mails about none (a test mail), never another municipality's invitation keys.
import type { Db } from '../kernel/db.ts';
import { notFound, parseId, type RouteTable } from '../kernel/http.ts';
import { render } from '../kernel/views.ts';
import { demoMailbox, demoMailboxMail } from '../mail/outbox.ts';

const SHOWN = 200;

export function demoMailboxRoutes(routes: RouteTable, { db }: { db: Db }): void {
  routes.get('/demo/mailbox', 'demo.mailbox.read', async (req, res, { actor }) => {
    render(req, res, 'demo/mailbox', { title: req.t('demo.mailbox.title'), mails: await demoMailbox(db, [...actor.adminOf], SHOWN) });
  });

  routes.get('/demo/mailbox/:mailId', 'demo.mailbox.read', async (req, res, { actor }) => {
    const id = parseId(req.params.mailId);
    const mail = id === undefined ? undefined : await demoMailboxMail(db, [...actor.adminOf], id);
    if (!mail) throw notFound();
    render(req, res, 'demo/mail', { mail: { to: mail.to, subject: mail.subject, sentAt: mail.sentAt, paragraphs: paragraphs(mail.text) } });
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
