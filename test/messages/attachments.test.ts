// Files attached to a message: a photo drawn anew without its GPS position, a PDF kept as sent, anything else refused
// at the field with nothing sent; an attachment is sent only to the accounts that see its message.
import { informationUsesKey } from '../../server/information/queries.ts';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { PERSONAL_DATA } from '../../server/app.ts';
import { attachmentFolder, checkAndStore, fileName, sweepAttachmentFiles } from '../../server/messages/attachments.ts';
import { csrfFrom, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { personId } from '../support/demo.ts';
import { removeTempDirs, tempDir } from '../support/system.ts';
import { jpegWithGps } from '../media/fixtures.ts';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

async function accountOf(db: TestApp['db'], username: string): Promise<number> {
  return (await db.selectFrom('accounts').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
}

/** Sends a new message about Elsa from pedagog to Emma (vardnadshavare) alone, with the files given. */
async function sendToEmma(t: TestApp, teacher: Agent, files: Array<[Buffer, string]>) {
  const elsa = await personId(t.db, 'Elsa', 'Andersson');
  const emma = await accountOf(t.db, 'vardnadshavare');
  const form = await teacher.get(`/children/${elsa}/messages/new`);
  assert.equal(form.status, 200, form.text);
  let post = teacher.post(`/children/${elsa}/messages`).field('_csrf', csrfFrom(form.text))
    .field('to', `account:${emma}`).field('subject', 'Utflykt').field('body', 'Här är lappen och en bild.');
  for (const [bytes, name] of files) post = post.attach('attachments', bytes, name);
  return post;
}

const threadIdOf = (location: string | undefined): number => Number(/\/messages\/([0-9]+)/.exec(location ?? '')?.[1]);

describe('attachments of a message', () => {
  let t: TestApp;
  let photo: Buffer;
  before(async () => {
    t = await startTestApp();
    photo = await jpegWithGps(800, 600);
  });
  after(async () => {
    await t.close();
    removeTempDirs();
  });

  it('sends a photo (drawn anew, without its GPS position) and a PDF; the guardian downloads both', async () => {
    const teacher = await signIn(t.app, 'pedagog');
    const sent = await sendToEmma(t, teacher, [[photo, 'gården.jpg'], [PDF, 'Lapp om utflykt.pdf']]);
    assert.equal(sent.status, 303, sent.text);
    const threadId = threadIdOf(sent.headers.location);
    const rows = await t.db.selectFrom('message_attachments').selectAll().orderBy('id').execute();
    assert.deepEqual(rows.map((r) => [r.name, r.mime]), [['gården.jpg', 'image/jpeg'], ['Lapp om utflykt.pdf', 'application/pdf']]);

    const emma = await signIn(t.app, 'vardnadshavare');
    const page = await emma.get(`/messages/${threadId}`);
    assert.equal(page.status, 200);
    assert.match(page.text, new RegExp(`href="/messages/attachments/${rows[0].id}"`));
    assert.match(page.text, /Lapp om utflykt\.pdf/);

    const image = await emma.get(`/messages/attachments/${rows[0].id}`).buffer(true);
    assert.equal(image.status, 200);
    assert.equal(image.headers['content-type'], 'image/jpeg');
    assert.match(String(image.headers['content-disposition']), /^attachment; filename=/);
    assert.equal(image.headers['x-content-type-options'], 'nosniff');
    assert.match(String(image.headers['cache-control']), /private/);
    const meta = await sharp(image.body as Buffer).metadata();
    assert.equal(meta.exif, undefined, 'no EXIF (no GPS position) in the sent photo');
    assert.equal(meta.width, 800);

    const emmaPerson = (await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'vardnadshavare').executeTakeFirstOrThrow()).person_id;
    const extract = await PERSONAL_DATA.extract(t.db, (await PERSONAL_DATA.subjectOf(t.db, emmaPerson))!);
    const files = extract.sections.find((x) => x.title === 'personalData.sections.messageAttachments');
    assert.deepEqual(files?.rows.map((r) => [r.by, r.file_name]), [['other', 'gården.jpg'], ['other', 'Lapp om utflykt.pdf']], 'in her register extract');

    const pdf = await emma.get(`/messages/attachments/${rows[1].id}`).buffer(true);
    assert.equal(pdf.status, 200);
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    assert.deepEqual(pdf.body, PDF);
  });

  it('refuses a file that is neither a photo nor a listed document: the message at the field, nothing sent', async () => {
    const teacher = await signIn(t.app, 'pedagog');
    const before = await t.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const res = await sendToEmma(t, teacher, [[photo, 'ok.jpg'], [Buffer.from('MZ\x90\x00 not a program really'), 'virus.exe']]);
    assert.equal(res.status, 400);
    assert.match(res.text, /<title>Fel:/);
    assert.match(res.text, /id="attachments-error"[^>]*>.*En fil går inte att skicka/s);
    assert.match(res.text, /value="Utflykt"/, 'the form keeps what was typed');
    const after = await t.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(after.n), Number(before.n), 'no message stored');
  });

  it('refuses more than five files and a file over 10 MB', async () => {
    const teacher = await signIn(t.app, 'pedagog');
    const six = await sendToEmma(t, teacher, Array.from({ length: 6 }, (_, i) => [PDF, `lapp${i}.pdf`] as [Buffer, string]));
    assert.equal(six.status, 400);
    assert.match(six.text, /högst 5 filer/);
    const big = await sendToEmma(t, teacher, [[Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024 + 1, 32)]), 'stor.pdf']]);
    assert.equal(big.status, 400);
    assert.match(big.text, /högst 10 MB/);
  });

  it('is not found for an account that does not see the message: the other guardian, a teacher of another group', async () => {
    const teacher = await signIn(t.app, 'pedagog');
    const sent = await sendToEmma(t, teacher, [[PDF, 'bara till Emma.pdf']]);
    assert.equal(sent.status, 303, sent.text);
    const row = await t.db.selectFrom('message_attachments').select('id').where('name', '=', 'bara till Emma.pdf').executeTakeFirstOrThrow();
    for (const username of ['vardnadshavare2', 'pedagog2', 'vardnadshavare3']) {
      const other = await signIn(t.app, username);
      assert.equal((await other.get(`/messages/attachments/${row.id}`)).status, 404, username);
    }
    assert.equal((await teacher.get(`/messages/attachments/${row.id}`)).status, 200, 'the sender sees it');
    assert.equal((await teacher.get('/messages/attachments/999999')).status, 404);
  });
});

describe('checking a file by its content', () => {
  let dir = '';
  before(() => {
    dir = tempDir('attachments');
  });
  after(removeTempDirs);

  it('keeps a PDF whatever its name says, refuses a text file named .pdf and an empty file', async () => {
    const write = (name: string, bytes: Buffer) => {
      const at = `${dir}/${name}`;
      fs.writeFileSync(at, bytes);
      return at;
    };
    const pdf = await checkAndStore(dir, write('a', PDF), 'scan.bin');
    assert.deepEqual(pdf.ok && [pdf.name, pdf.mime, pdf.size], ['scan.pdf', 'application/pdf', PDF.length]);
    assert.deepEqual(await checkAndStore(dir, write('b', Buffer.from('hej hej')), 'lapp.pdf'), { ok: false, error: 'notAllowed' });
    assert.deepEqual(await checkAndStore(dir, write('c', Buffer.alloc(0)), 'tom.pdf'), { ok: false, error: 'empty' });
  });

  it('names a file without folders or control characters, with the ending of what it is', () => {
    assert.equal(fileName('C:\\Users\\anna\\Bild 1.PNG', 'jpg'), 'Bild 1.jpg');
    assert.equal(fileName('../../etc/passwd', 'pdf'), 'passwd.pdf');
    assert.equal(fileName('\u202Egnp.exe', 'pdf'), 'gnp.pdf');
    assert.equal(fileName('', 'pdf'), 'bilaga.pdf');
  });

  it('sweeps the files no attachment names, once old enough', async () => {
    const t = await startTestApp();
    try {
      fs.writeFileSync(`${dir}/d`, Buffer.concat([PDF, Buffer.from('% swept')]));
      const stored = await checkAndStore(t.dir, `${dir}/d`, 'x.pdf');
      assert.ok(stored.ok);
      assert.deepEqual(await sweepAttachmentFiles(t.db, t.dir, new Date(Date.now() - 60_000), [informationUsesKey]), [], 'a new file is left alone');
      assert.deepEqual(await sweepAttachmentFiles(t.db, t.dir, new Date(Date.now() + 60_000), [informationUsesKey]), [stored.key]);
      assert.equal(fs.existsSync(`${attachmentFolder(t.dir)}/${stored.key.slice(0, 2)}/${stored.key}`), false);
    } finally {
      await t.close();
    }
  });
});
