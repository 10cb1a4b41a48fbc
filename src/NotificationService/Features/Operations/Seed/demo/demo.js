// The demo page's own script (no inline script: the page's CSP is script-src 'self').
const inbox = document.getElementById('inbox');
inbox.getToken = async () => {
  const res = await fetch('/sdk/demo/token', { method: 'POST' });
  return (await res.json()).token;
};
inbox.addEventListener('notification-click', e => {
  document.getElementById('result').textContent = `Clicked "${e.detail.action?.label ?? e.detail.notification.title}"`;
});
document.getElementById('send').addEventListener('submit', async e => {
  e.preventDefault();
  const res = await fetch('/sdk/demo/send', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ title: document.getElementById('title').value }),
  });
  document.getElementById('result').textContent = res.ok ? 'Sent: the bell updates when it is delivered.' : `Refused (${res.status})`;
});
document.getElementById('locale').addEventListener('change', e => {
  inbox.setAttribute('locale', e.target.value);
  document.documentElement.dir = e.target.value === 'ar' ? 'rtl' : 'ltr';
});
