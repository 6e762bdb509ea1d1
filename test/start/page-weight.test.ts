// Every guardian page, with its CSS and JS, is at most 30 KB gzipped on first load (a cheap phone on a slow line).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { sessionCookie, startTestApp, type TestApp } from '../support/app.ts';
import { groupId, personId } from '../support/demo.ts';

const LIMIT = 30 * 1024;

describe('page weight', () => {
  let t: TestApp;
  let server: http.Server;
  let cookie: string;
  let ids: Record<string, number>;

  before(async () => {
    t = await startTestApp();
    server = t.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    cookie = await sessionCookie(t.app, 'vardnadshavare');
    ids = { childId: await personId(t.db, 'Elsa', 'Andersson'), groupId: await groupId(t.db, 'Blåbär') };
  });
  after(async () => {
    server.close();
    await t.close();
  });

  function gzipped(path: string): Promise<{ status: number; bytes: number; text: string; encoding?: string; type: string }> {
    const { port } = server.address() as AddressInfo;
    return new Promise((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path, headers: { cookie, 'accept-encoding': 'gzip' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          const text = res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString() : raw.toString();
          resolve({ status: res.statusCode ?? 0, bytes: raw.length, text, encoding: res.headers['content-encoding'], type: String(res.headers['content-type']) });
        });
      }).on('error', reject);
    });
  }

  it('holds for every GET route a guardian can open', async () => {
    const checked: string[] = [];
    for (const entry of t.routes.entries.filter((e) => e.method === 'GET' && e.access !== 'public')) {
      const path = entry.path.replace(/:([a-zA-Z]+)/g, (_, name: string) => String(ids[name] ?? 0));
      const page = await gzipped(path);
      // (a download, such as the guardian's register extract, is not a page)
      if (page.status !== 200 || !page.type.startsWith('text/html')) continue;
      assert.equal(page.encoding, 'gzip', `${path} is not compressed`);
      // The stylesheet is inline; htmx is fetched by an inline loader once the page has loaded: it counts all the same.
      assert.match(page.text, /<style>[^<]{1000,}<\/style>/, `${path} should carry its CSS`);
      // (and the page's own scripts the loader fetches after it: `data-later-script`)
      const assets = [...page.text.matchAll(/<(?:link rel="stylesheet" href|script src)="([^"]+)"|add\('([^']+)'\)|data-later-script="([^"]+)"/g)]
        .map((m) => m[1] ?? m[2] ?? m[3]);
      assert.ok(assets.some((a) => a.endsWith('/vendor/htmx.min.js')), `${path} should load htmx`);
      let total = page.bytes;
      for (const asset of assets) total += (await gzipped(asset)).bytes;
      assert.ok(total <= LIMIT, `${path}: ${total} bytes gzipped with CSS and JS, more than ${LIMIT}`);
      checked.push(`${path} ${total}`);
    }
    assert.ok(checked.length >= 10, `only ${checked.length} guardian pages were checked: ${checked.join(', ')}`);
  });

  it('serves static files under versioned names with a year-long cache', async () => {
    const page = await gzipped('/');
    const htmx = page.text.match(/add\('([^']+)'\)/)![1];
    assert.match(htmx, /^\/static\/[0-9a-f]{10}\/vendor\/htmx\.min\.js$/);
    const { port } = server.address() as AddressInfo;
    const headers = await new Promise<http.IncomingHttpHeaders>((resolve) => http.get({ host: '127.0.0.1', port, path: htmx }, (res) => {
      res.resume();
      resolve(res.headers);
    }));
    assert.match(String(headers['cache-control']), /max-age=31536000.*immutable/);
  });
});
