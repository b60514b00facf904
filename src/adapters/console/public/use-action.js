// A person's action: the call, then its outcome in a status line, without reloading the page.
import { useState } from 'preact/hooks';
import { ApiError } from './api.js';
import { html } from './html.js';

export const useAction = (done) => {
  const [notice, setNotice] = useState(null);
  const [busy, setBusy] = useState(false);
  const run = async (what, call) => {
    setBusy(true);
    setNotice({ ok: true, text: `${what}…` });
    try {
      const data = await call();
      setNotice({ ok: true, text: `${what}: done${data?.status ? ` (now ${data.status})` : ''}` });
      done?.();
      return true;
    } catch (e) {
      setNotice({ ok: false, text: `${what}: ${e instanceof ApiError ? e.explained : e.message}` });
      return false;
    } finally {
      setBusy(false);
    }
  };
  const view = html`<p role="status" class=${notice === null ? 'notice' : notice.ok ? 'notice ok' : 'notice error'}>
    ${notice?.text ?? ''}
  </p>`;
  return { run, busy, notice: view };
};
