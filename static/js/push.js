// The devices page (/settings/devices): turns on push notifications on this device — the browser's permission, the
// service worker's push subscription with this installation's key, posted to the server with the page's CSRF token —
// and offers to install the app where the browser can. Without JavaScript the page says that this needs it.
(() => {
  const form = document.getElementById('push-subscribe');
  const status = document.getElementById('push-status');
  if (!form || !status) return;
  const show = (id) => {
    const element = document.getElementById(id);
    if (element) element.hidden = false;
  };
  const standalone = matchMedia('(display-mode: standalone)').matches || navigator.standalone === true;

  let installPrompt;
  addEventListener('beforeinstallprompt', (event) => {
    event.preventDefault();
    installPrompt = event;
    show('push-install');
  });
  document.getElementById('push-install-button')?.addEventListener('click', () => {
    installPrompt?.prompt();
    installPrompt = undefined;
    document.getElementById('push-install').hidden = true;
  });

  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) {
    show(/iPhone|iPad/.test(navigator.userAgent) && !standalone ? 'push-install-first' : 'push-unsupported');
    return;
  }
  if (Notification.permission === 'denied') {
    show('push-denied');
    return;
  }
  form.hidden = false;

  const keyBytes = (base64url) => {
    const text = atob(base64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (base64url.length % 4)) % 4));
    return Uint8Array.from(text, (c) => c.charCodeAt(0));
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    status.textContent = '';
    try {
      if ((await Notification.requestPermission()) !== 'granted') {
        form.hidden = true;
        show('push-denied');
        return;
      }
      await navigator.serviceWorker.register('/sw.js');
      const registration = await navigator.serviceWorker.ready;
      const subscription = (await registration.pushManager.getSubscription())
        ?? (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(form.dataset.key) }));
      const json = subscription.toJSON();
      const token = form.elements.namedItem('_csrf').value;
      const body = new URLSearchParams({ _csrf: token, endpoint: json.endpoint, p256dh: json.keys.p256dh, auth: json.keys.auth });
      const response = await fetch(form.action, {
        method: 'POST', body, credentials: 'same-origin', headers: { 'x-csrf-token': token, accept: 'application/json' },
      });
      const answer = await response.json();
      if (response.ok) location.assign(answer.next);
      else status.textContent = answer.error;
    } catch {
      status.textContent = form.dataset.failed;
    }
  });
})();
