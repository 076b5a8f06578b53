// The one script of the desk: a person who leaves a page with an edit not saved is asked first.
document.addEventListener('DOMContentLoaded', () => {
  const form = document.querySelector('form.edit');
  if (!form) return;
  let dirty = false;
  form.addEventListener('input', () => (dirty = true));
  form.addEventListener('submit', () => (dirty = false));
  window.addEventListener('beforeunload', (e) => {
    if (dirty) e.preventDefault();
  });
});
