// Adding photos, videos and sound to a post on a weak connection: each file goes on its own request with a progress
// bar and an idempotency key, so a retry never adds it twice and a dropped connection loses only that file. Without
// this script the same form sends every file at once.
(() => {
  const form = document.querySelector('[data-upload-form]');
  if (!form || !window.FormData || !window.XMLHttpRequest) return;
  const progressList = form.querySelector('[data-upload-progress]');
  const mediaList = document.querySelector('[data-media-list]');
  const removeForms = document.querySelector('[data-remove-forms]');
  const token = form.querySelector('input[name="_csrf"]').value;
  const inputs = form.querySelectorAll('input[type="file"]');
  const text = form.dataset;
  const ATTEMPTS = 3;

  const newKey = () => (window.crypto && crypto.randomUUID ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`);

  function row(file) {
    const item = document.createElement('li');
    const name = document.createElement('span');
    name.textContent = file.name;
    const bar = document.createElement('progress');
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute('aria-label', file.name);
    const state = document.createElement('span');
    state.className = 'upload-state';
    item.append(name, ' ', bar, ' ', state);
    progressList.append(item);
    return { item, bar, state };
  }

  function added(html) {
    const template = document.createElement('template');
    template.innerHTML = html;
    for (const item of template.content.querySelectorAll('.media-item')) mediaList.append(item);
    for (const remove of template.content.querySelectorAll('form[id^="remove-media-"]')) removeForms.append(remove);
    const empty = document.querySelector('[data-media-empty]');
    if (empty) empty.remove();
  }

  /** Sends one file; a dropped connection or a server error is tried again with the same key. */
  function send(file, key, view, attempt) {
    return new Promise((resolve) => {
      const body = new FormData();
      body.append('_csrf', token); // before the file: the upload checks it before storing anything
      body.append('upload_key', key);
      body.append('files', file, file.name);
      const xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      xhr.setRequestHeader('x-csrf-token', token);
      xhr.upload.addEventListener('progress', (e) => { if (e.lengthComputable) view.bar.value = Math.round((e.loaded / e.total) * 100); });
      const retry = () => {
        if (attempt < ATTEMPTS) {
          view.state.textContent = text.retrying;
          setTimeout(() => resolve(send(file, key, view, attempt + 1)), 1000 * attempt);
          return;
        }
        view.state.textContent = text.failed;
        const again = document.createElement('button');
        again.type = 'button';
        again.className = 'secondary';
        again.textContent = text.again;
        again.addEventListener('click', () => { again.remove(); send(file, key, view, 1); });
        view.item.append(' ', again);
        resolve(false);
      };
      xhr.addEventListener('load', () => {
        if (xhr.status === 200) {
          view.bar.value = 100;
          view.state.textContent = text.done;
          added(xhr.responseText);
          resolve(true);
        } else if (xhr.status >= 500) {
          retry();
        } else {
          const plain = (xhr.getResponseHeader('content-type') || '').startsWith('text/plain');
          view.state.textContent = xhr.status === 403 ? text.reload : plain ? xhr.responseText : text.failed; // (an error page is no message)
          view.item.classList.add('has-error');
          resolve(false);
        }
      });
      xhr.addEventListener('error', retry);
      xhr.addEventListener('timeout', retry);
      xhr.send(body);
    });
  }

  form.addEventListener('submit', async (event) => {
    const files = [...inputs].flatMap((input) => [...input.files]);
    if (files.length === 0) return; // the server says what is missing
    event.preventDefault();
    for (const input of inputs) input.value = '';
    for (const file of files) await send(file, newKey(), row(file), 1);
  });
})();
