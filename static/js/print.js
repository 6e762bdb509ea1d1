// The print button of a page made for paper: printing needs JavaScript, so the button is shown only where it works.
for (const button of document.querySelectorAll('[data-print]')) {
  button.hidden = false;
  button.addEventListener('click', () => window.print());
}
