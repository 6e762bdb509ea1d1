// Registers the service worker (static/sw.js); in the installed app, tells it this page may be kept for offline reading.
if ('serviceWorker' in navigator) {
  addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').then(() => {
      const sw = navigator.serviceWorker.controller;
      if (sw && matchMedia('(display-mode: standalone)').matches) sw.postMessage('keep');
    }, () => undefined);
  });
}
