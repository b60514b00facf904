// The console's shell: sign-in, the navigation, and which page the address (#/…) shows.
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, session } from './api.js';
import { html } from './html.js';
import { useLiveStatus } from './live.js';
import { QueuePage } from './queue-page.js';
import { OrderPage } from './order-page.js';
import { SearchPage } from './search-page.js';
import { StockPage } from './stock-page.js';
import { ReportsPage } from './reports-page.js';

const pages = [
  { path: 'queue', title: 'Needs a person', Page: QueuePage },
  { path: 'search', title: 'Search', Page: SearchPage },
  { path: 'stock', title: 'Stock', Page: StockPage },
  { path: 'reports', title: 'Reports', Page: ReportsPage },
];

/** `#/orders/OMS1` → { path: 'orders', rest: ['OMS1'], params }. */
const parseHash = (hash) => {
  const [route, search = ''] = hash.replace(/^#\/?/, '').split('?');
  const [path = '', ...rest] = route.split('/').map(decodeURIComponent);
  return { path: path === '' ? 'queue' : path, rest, params: new URLSearchParams(search) };
};

const useHash = () => {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const changed = () => setHash(location.hash);
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return parseHash(hash);
};

const SignIn = ({ onSignedIn, problem }) => {
  const [key, setKey] = useState('');
  const [error, setError] = useState(problem);
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    session.key = key.trim();
    try {
      onSignedIn(await api('/api/oms/me'));
    } catch (e) {
      session.key = '';
      setError(
        e instanceof ApiError && (e.status === 401 || e.status === 403)
          ? 'That key was not accepted.'
          : `The hub did not answer: ${e.message}`,
      );
    } finally {
      setBusy(false);
    }
  };
  return html`<main class="sign-in">
    <h1>Fulfilment hub</h1>
    <form onSubmit=${submit}>
      <label for="key">Your key</label>
      <input
        id="key"
        type="password"
        autocomplete="current-password"
        required
        autofocus
        value=${key}
        onInput=${(e) => setKey(e.currentTarget.value)}
      />
      <button type="submit" disabled=${busy}>Sign in</button>
      ${error && html`<p role="alert" class="error">${error}</p>`}
      <p class="hint">An operator's key lets you act on orders and alerts; a reporting key shows everything and changes nothing.</p>
    </form>
  </main>`;
};

const Shell = ({ me, route }) => {
  const live = useLiveStatus();
  const main = useRef(null);
  const page = route.path === 'orders' ? null : (pages.find((p) => p.path === route.path) ?? pages[0]);
  useEffect(() => {
    main.current?.querySelector('h1')?.focus();
  }, [route.path, route.rest[0]]);
  useEffect(() => {
    const onKey = (event) => {
      const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement?.tagName ?? '');
      if (event.key === '/' && !typing) {
        event.preventDefault();
        location.hash = '#/search';
        setTimeout(() => document.getElementById('search-term')?.focus());
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);
  const signOut = () => {
    session.key = '';
    location.hash = '';
    location.reload();
  };
  return html`<a
      class="skip"
      href="#main"
      onClick=${(e) => {
        e.preventDefault();
        main.current?.querySelector('h1')?.focus();
      }}
      >Skip to content</a
    >
    <header>
      <span class="brand">Fulfilment hub</span>
      <nav aria-label="Pages">
        ${pages.map((p) => html`<a href=${`#/${p.path}`} aria-current=${page === p ? 'page' : undefined}>${p.title}</a>`)}
      </nav>
      <span class="who">
        <span class=${live ? 'live on' : 'live'} role="status">${live ? 'live' : 'not live'}</span>
        ${me.open ? 'open hub (no credentials)' : `${me.id} · ${me.roles.join(', ')}`}
        ${!me.open && html`<button type="button" onClick=${signOut}>Sign out</button>`}
      </span>
    </header>
    <main id="main" ref=${main}>
      ${page === null ? html`<${OrderPage} me=${me} orderNo=${route.rest[0] ?? ''} />` : html`<${page.Page} me=${me} params=${route.params} />`}
    </main>`;
};

const Console = () => {
  const [me, setMe] = useState(undefined);
  const [problem, setProblem] = useState(null);
  const route = useHash();
  useEffect(() => {
    api('/api/oms/me').then(setMe, (e) => {
      if (!(e instanceof ApiError) || (e.status !== 401 && e.status !== 403)) setProblem(`The hub did not answer: ${e.message}`);
      else if (session.key !== '') setProblem('Your key is no longer accepted; sign in again.');
      session.key = '';
      setMe(null);
    });
  }, []);
  if (me === undefined) return html`<p class="loading">Loading…</p>`;
  if (me === null) return html`<${SignIn} onSignedIn=${setMe} problem=${problem} />`;
  return html`<${Shell} me=${me} route=${route} />`;
};

render(html`<${Console} />`, document.getElementById('console'));
