// Passkeys (server/passkeys/): "Logga in med passkey" on the login page and "Lägg till passkey" in the settings. Each
// asks the server for options (a challenge kept in the session), lets the browser make or use the passkey through
// @simplewebauthn/browser (served from our own origin, /static/<version>/vendor/simplewebauthn-browser.js), and posts
// the answer as a form field with the page's CSRF token, asking for JSON: where to go, or what went wrong in the
// reader's words. Nothing shows where the browser has no WebAuthn; without JavaScript the login page has no button.
(() => {
  // What @simplewebauthn/browser's browserSupportsWebAuthn asks. The library itself (~5 KB gzipped) is fetched at the
  // first tap that needs it, not with the page: a page with its CSS and JS stays within 30 KB on a cheap phone.
  const supported = typeof window.PublicKeyCredential === 'function';
  let library;
  const webauthn = () => {
    library ??= window.SimpleWebAuthnBrowser ? Promise.resolve(window.SimpleWebAuthnBrowser) : new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = document.querySelector('[data-webauthn-library]')?.dataset.webauthnLibrary ?? '';
      script.onload = () => resolve(window.SimpleWebAuthnBrowser);
      script.onerror = () => {
        library = undefined; // (a tap later may try again)
        reject(new Error('The WebAuthn library did not load'));
      };
      document.head.appendChild(script);
    });
    return library;
  };

  const post = async (url, token, fields) => {
    const body = new URLSearchParams({ _csrf: token, ...fields });
    const response = await fetch(url, {
      method: 'POST', body, credentials: 'same-origin', headers: { 'x-csrf-token': token, accept: 'application/json' },
    });
    let answer = {};
    try {
      answer = await response.json();
    } catch {
      // (an error page instead of JSON: said as "failed" below)
    }
    return { ok: response.ok, answer };
  };
  // The person closed the browser's dialog or it timed out: no error of theirs, but say that nothing happened.
  const cancelled = (error) => error && (error.name === 'NotAllowedError' || error.name === 'AbortError');

  // The login page
  const login = document.getElementById('passkey-login');
  const loginButton = document.getElementById('passkey-login-button');
  const loginStatus = document.getElementById('passkey-login-status');
  if (login && loginButton && loginStatus && supported) {
    login.hidden = false;
    loginButton.addEventListener('click', async () => {
      loginStatus.textContent = '';
      loginButton.disabled = true;
      const token = document.querySelector('form[action="/login"] input[name="_csrf"]')?.value ?? '';
      try {
        const options = await post(loginButton.dataset.options, token, {});
        if (!options.ok) {
          // (too many challenges asked from this address: the server's words)
          loginStatus.textContent = options.answer.error || loginButton.dataset.failed;
        } else {
          const result = await (await webauthn()).startAuthentication({ optionsJSON: options.answer });
          const remember = document.getElementById('remember')?.checked ? 'yes' : 'no';
          const done = await post(loginButton.dataset.action, token, { response: JSON.stringify(result), next: loginButton.dataset.next ?? '/', remember });
          if (done.ok && done.answer.next) return location.assign(done.answer.next);
          loginStatus.textContent = done.answer.error || loginButton.dataset.failed;
        }
      } catch (error) {
        loginStatus.textContent = cancelled(error) ? loginButton.dataset.cancelled : loginButton.dataset.failed;
      }
      loginButton.disabled = false;
    });
  }

  // The settings page
  const form = document.getElementById('passkey-register');
  const status = document.getElementById('passkey-status');
  if (form && status) {
    if (!supported) {
      const unsupported = document.getElementById('passkey-unsupported');
      if (unsupported) unsupported.hidden = false;
      return;
    }
    form.hidden = false;
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      status.textContent = '';
      const button = form.querySelector('button[type="submit"]');
      if (button) button.disabled = true;
      const token = form.elements.namedItem('_csrf').value;
      try {
        const options = await post(form.dataset.options, token, {});
        if (!options.ok) {
          status.textContent = options.answer.error || form.dataset.failed;
        } else {
          const result = await (await webauthn()).startRegistration({ optionsJSON: options.answer });
          const name = form.elements.namedItem('name').value;
          const done = await post(form.action, token, { response: JSON.stringify(result), name });
          if (done.ok && done.answer.next) return location.assign(done.answer.next);
          status.textContent = done.answer.error || form.dataset.failed;
        }
      } catch (error) {
        status.textContent = cancelled(error) ? form.dataset.cancelled : form.dataset.failed;
      }
      if (button) button.disabled = false;
    });
  }
})();
