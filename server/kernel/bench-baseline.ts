// For `npm run bench`: a page that does no work, served through the same helmet and compression as every page, so
// the bench can say how fast a route is compared with the fastest the stack can answer.
import type { RequestHandler } from 'express';

/** A fixed text of `?bytes=` length (10 000 unless asked, at most 1 000 000), made once per length. */
export function benchBaseline(): RequestHandler {
  const texts = new Map<number, string>();
  return (req, res) => {
    const bytes = Math.min(Number(req.query.bytes) || 10_000, 1_000_000);
    let text = texts.get(bytes);
    if (!text) {
      text = baselineText(bytes);
      texts.set(bytes, text);
    }
    res.type('html').send(text);
  };
}

/** Text that compresses about as well as a page: words picked by a fixed pseudo-random sequence. */
function baselineText(bytes: number): string {
  const words = ['förskola', 'frånvaro', 'vecka', 'Blåbär', 'barn', '<li>', '</li>', 'class="box"', 'href="/children/', 'Kalender', '08:00', 'vårdnadshavare'];
  let seed = 42;
  let text = '';
  while (text.length < bytes) {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    text += `${words[seed % words.length]}${seed % 97} `;
  }
  return text.slice(0, bytes);
}
