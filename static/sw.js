// Vardag's service worker (served at /sw.js, scope /): what makes Vardag an installable app, shows its push
// notifications and, in the installed app only, keeps the last pages read for reading offline.
//
// Offline reading: a page is kept only when the server said it may be (the header Vardag-Offline, sent only on a
// "Håll mig inloggad" session, carrying the words of the offline mark) AND the page itself said it is shown in the
// installed app (display-mode standalone: it posts 'keep' once loaded). At most MAX_PAGES pages, each for KEEP_MS, and
// shown offline with a clear mark. Everything kept goes on logout, on any page that turns out to be the login page (a
// session that ended, however), and on an HTML page that comes without the header (a session that is not remembered).
'use strict';

var PAGES = 'vardag-pages-v1';
var MAX_PAGES = 20;
var KEEP_MS = 24 * 60 * 60 * 1000;
var PENDING_MS = 60 * 1000;
var ICON = '__ICON__';
/** Pages fetched with leave to keep, waiting for their page to say it is the installed app: client id → page. */
var pending = new Map();

self.addEventListener('install', function () {
  self.skipWaiting();
});

self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name !== PAGES; }).map(function (name) { return caches.delete(name); }));
  }).then(dropExpired).then(function () { return self.clients.claim(); }));
});

self.addEventListener('fetch', function (event) {
  var request = event.request;
  if (request.mode !== 'navigate') return; // static files, htmx and the rest: as the browser does without a worker
  if (request.method !== 'GET') {
    if (new URL(request.url).pathname === '/logout') event.waitUntil(forget());
    return;
  }
  event.respondWith(navigate(event));
});

function navigate(event) {
  var request = event.request;
  return fetch(request).then(function (response) {
    var type = response.headers.get('content-type') || '';
    var isPage = response.type === 'basic' && type.indexOf('text/html') === 0;
    if (isPage && new URL(response.url || request.url).pathname === '/login') {
      event.waitUntil(forget());
    } else if (isPage && response.status === 200) {
      var mark = response.headers.get('Vardag-Offline');
      if (mark && event.resultingClientId) {
        event.waitUntil(response.clone().text().then(function (html) {
          pending.set(event.resultingClientId, { url: request.url, html: html, mark: mark, at: Date.now() });
        }));
      } else if (!mark) {
        event.waitUntil(forget());
      }
    }
    return response;
  }, function (error) {
    return kept(request.url).then(function (page) {
      if (page) return page;
      throw error;
    });
  });
}

self.addEventListener('message', function (event) {
  var now = Date.now();
  pending.forEach(function (page, id) { if (now - page.at > PENDING_MS) pending.delete(id); });
  if (event.data !== 'keep' || !event.source) return;
  var page = pending.get(event.source.id);
  if (!page) return;
  pending.delete(event.source.id);
  event.waitUntil(keep(page));
});

/** Stores a page with its offline mark in place, as the newest; the oldest beyond MAX_PAGES go. */
function keep(page) {
  var saved = Date.now();
  var html = page.html.replace('<main id="main" class="page">', '<main id="main" class="page">\n<p class="notice offline-mark" role="status">'
    + escapeHtml(decodeURIComponent(page.mark)) + '</p>');
  return caches.open(PAGES).then(function (cache) {
    return cache.delete(page.url).then(function () {
      return cache.put(page.url, new Response(html, { headers: { 'Content-Type': 'text/html; charset=utf-8', 'Vardag-Saved': String(saved) } }));
    }).then(function () { return cache.keys(); }).then(function (keys) {
      return Promise.all(keys.slice(0, Math.max(0, keys.length - MAX_PAGES)).map(function (key) { return cache.delete(key); }));
    });
  });
}

/** A kept page not older than KEEP_MS, for a navigation that found no network. */
function kept(url) {
  return caches.open(PAGES).then(function (cache) {
    return cache.match(url).then(function (page) {
      if (!page) return undefined;
      if (Date.now() - Number(page.headers.get('Vardag-Saved')) > KEEP_MS) return cache.delete(url).then(function () { return undefined; });
      return page;
    });
  });
}

function dropExpired() {
  return caches.open(PAGES).then(function (cache) {
    return cache.keys().then(function (keys) {
      return Promise.all(keys.map(function (key) {
        return cache.match(key).then(function (page) {
          if (!page || Date.now() - Number(page.headers.get('Vardag-Saved')) > KEEP_MS) return cache.delete(key);
        });
      }));
    });
  });
}

function forget() {
  pending.clear();
  return caches.delete(PAGES);
}

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; });
}

// Push: the notification the server queued (server/push/outbox.ts: title, body, url, tag); a click opens its page.
self.addEventListener('push', function (event) {
  var data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (e) {
    data = {};
  }
  event.waitUntil(self.registration.showNotification(data.title || 'Vardag', {
    body: data.body || '', tag: data.tag || undefined, icon: ICON, badge: ICON, data: { url: data.url || '/' },
    requireInteraction: data.urgent === true,
  }));
});

self.addEventListener('notificationclick', function (event) {
  event.notification.close();
  var path = (event.notification.data && event.notification.data.url) || '/';
  var target = new URL(path, self.location.origin);
  if (target.origin !== self.location.origin) target = new URL('/', self.location.origin);
  event.waitUntil(self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then(function (windows) {
    for (var i = 0; i < windows.length; i++) {
      if (windows[i].url === target.href && 'focus' in windows[i]) return windows[i].focus();
    }
    for (var j = 0; j < windows.length; j++) {
      if ('navigate' in windows[j] && new URL(windows[j].url).origin === target.origin) {
        return windows[j].navigate(target.href).then(function (client) {
          return client ? client.focus() : self.clients.openWindow(target.href);
        }, function () { return self.clients.openWindow(target.href); });
      }
    }
    return self.clients.openWindow(target.href);
  }));
});
