// The demo's information (server/demo/seed.ts calls this): a pinned letter from Blåbär's teacher with a PDF, a news item
// of Förskolan Solrosen from its head and one of Demokommun from its admin — Elsa's mother has read the unit's and the
// municipality's items, not the letter, so her list shows one "Ny". Published as of `now` (hours before), no
// notifications (the demo's bells have their own).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../kernel/db.ts';
import { checkAndStore } from '../messages/attachments.ts';
import { claimFanOut, insertAttachments, insertItem, markRead } from './queries.ts';

export interface DemoInformation {
  municipalityId: number; unitId: number; groupId: number;
  /** The accounts of Blåbär's teacher (pedagog), Solrosen's head (rektor), the admin and Elsa's mother (vardnadshavare). */
  teacher: number; head: number; admin: number; mother: number;
  now: Date; today: string;
  /** The data folder for the letter's PDF (none: the letter goes without it). */
  dataDir?: string;
}

const hoursBefore = (now: Date, hours: number) => new Date(now.getTime() - hours * 3_600_000);

export async function seedDemoInformation(trx: Db, d: DemoInformation): Promise<void> {
  const publish = async (scope: Parameters<typeof insertItem>[1]['scope'], accountId: number, at: Date, item: { title: string; body: string; pinned?: boolean; linkUrl?: string }) => {
    const id = await insertItem(trx, {
      municipalityId: d.municipalityId, scope, title: item.title, body: item.body, linkUrl: item.linkUrl ?? null, pinned: item.pinned ?? false,
      expiresOn: null, accountId, at,
    });
    await claimFanOut(trx, id, at); // (told already, as far as the demo goes)
    return id;
  };

  const letterAt = hoursBefore(d.now, 30);
  const letter = await publish({ kind: 'group', groupId: d.groupId }, d.teacher, letterAt, {
    title: 'Välkomstbrev till Blåbär', pinned: true,
    body: 'Hej alla familjer!\nHär är vårt brev om hösten i Blåbär: dagsrytmen, vad barnen behöver ha med sig och hur ni når oss. Läs gärna brevet i bilagan.',
  });
  if (d.dataDir) {
    const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'vardag-demo-')), 'brev.pdf');
    try {
      await fs.writeFile(file, letterPdf('Välkommen till Blåbär!'));
      const stored = await checkAndStore(d.dataDir, file, 'Välkomstbrev Blåbär.pdf');
      if (stored.ok) await insertAttachments(trx, letter, [stored], letterAt);
    } finally {
      await fs.rm(path.dirname(file), { recursive: true, force: true });
    }
  }

  const newsAt = hoursBefore(d.now, 50);
  const news = await publish({ kind: 'unit', unitId: d.unitId }, d.head, newsAt, {
    title: 'Nya hämtningsrutiner på Solrosen',
    body: 'Från och med nästa vecka hämtar ni barnen vid entrén mot gården. Säg alltid hej till personalen innan ni går.',
  });
  const taxAt = hoursBefore(d.now, 75);
  const tax = await publish({ kind: 'municipality' }, d.admin, taxAt, {
    title: 'Avgifter för förskola och fritids nästa år',
    body: 'Kommunfullmäktige har beslutat om avgifterna för nästa år. Maxtaxan gäller som tidigare.',
    linkUrl: 'https://www.skolverket.se/regler-och-ansvar/ansvar-i-skolfragor/maxtaxa-i-forskola-och-fritidshem',
  });
  await markRead(trx, news, d.mother, hoursBefore(d.now, 48));
  await markRead(trx, tax, d.mother, hoursBefore(d.now, 70));
}

/** A one-page PDF with one line of text (the demo letter), its cross-reference table counted right. */
function letterPdf(line: string): Buffer {
  const text = line.replace(/[()\\]/g, '').replace(/[^\x20-\x7e]/g, (ch) => ({ å: 'a', ä: 'a', ö: 'o', Å: 'A', Ä: 'A', Ö: 'O' })[ch] ?? '');
  const stream = `BT /F1 24 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}
