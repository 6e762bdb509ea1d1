// The service worker's push handling, run in a sandbox with the browser's objects stood in for: a push shows its
// notification, a click opens the push's page of this site (never another site) or focuses the window showing it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { STATIC_DIR } from '../../server/kernel/views.ts';

type Listener = (event: Record<string, unknown>) => void;

function loadWorker(windows: { url: string; focused?: boolean }[] = []) {
  const listeners = new Map<string, Listener>();
  const shown: { title: string; options: Record<string, unknown> }[] = [];
  const opened: string[] = [];
  const self = {
    location: { origin: 'https://vardag.example.se' },
    addEventListener: (type: string, listener: Listener) => listeners.set(type, listener),
    registration: { showNotification: async (title: string, options: Record<string, unknown>) => { shown.push({ title, options }); } },
    clients: {
      matchAll: async () => windows.map((w) => ({ url: w.url, focus: async () => { w.focused = true; } })),
      openWindow: async (url: string) => { opened.push(url); },
      claim: async () => undefined,
    },
    skipWaiting: () => undefined,
  };
  const source = fs.readFileSync(path.join(STATIC_DIR, 'sw.js'), 'utf8');
  vm.runInNewContext(source, { self, caches: {}, fetch: () => Promise.reject(new Error('offline')), URL, Map, Response: class {}, Promise });
  /** Dispatches an event and waits for what it asked to wait for. */
  const dispatch = async (type: string, event: Record<string, unknown>) => {
    const waits: Promise<unknown>[] = [];
    listeners.get(type)?.({ ...event, waitUntil: (p: Promise<unknown>) => waits.push(p) });
    await Promise.all(waits);
  };
  return { dispatch, shown, opened, windows };
}

const click = (url: unknown) => ({ notification: { data: { url }, close: () => undefined } });

describe('the service worker', () => {
  it('shows a push as a notification with its title, text and page', async () => {
    const sw = loadWorker();
    const payload = { title: 'Nytt meddelande', body: 'Från Förskolan Solrosen', url: '/messages/12', tag: 'message:12' };
    await sw.dispatch('push', { data: { json: () => payload } });
    assert.equal(sw.shown.length, 1);
    assert.equal(sw.shown[0].title, 'Nytt meddelande');
    assert.equal(sw.shown[0].options.body, 'Från Förskolan Solrosen');
    assert.equal(sw.shown[0].options.tag, 'message:12');
    assert.equal(JSON.stringify(sw.shown[0].options.data), '{"url":"/messages/12"}');
    assert.equal(sw.shown[0].options.requireInteraction, false);
  });

  it('opens the push\'s page on a click, or focuses the window that shows it', async () => {
    const sw = loadWorker();
    await sw.dispatch('notificationclick', click('/messages/12'));
    assert.deepEqual(sw.opened, ['https://vardag.example.se/messages/12']);

    const open = loadWorker([{ url: 'https://vardag.example.se/' }, { url: 'https://vardag.example.se/messages/12' }]);
    await open.dispatch('notificationclick', click('/messages/12'));
    assert.deepEqual(open.opened, []);
    assert.equal(open.windows[1].focused, true);
  });

  it('never opens another site from a push', async () => {
    for (const url of ['https://evil.example/x', '//evil.example/x']) {
      const sw = loadWorker();
      await sw.dispatch('notificationclick', click(url));
      assert.deepEqual(sw.opened, ['https://vardag.example.se/'], url);
    }
  });
});
