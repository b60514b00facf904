// Search: an order by its number, its WMS number, a waybill or a SKU (exact), narrowed by status
// and warehouse; newest placed first, a page at a time. The form is kept in the address (#/search?…).
import { useEffect, useState } from 'preact/hooks';
import { api, query } from './api.js';
import { orderLink, when } from './format.js';
import { html } from './html.js';
import { useLive } from './live.js';

// the statuses GET /api/oms/reports/orders filters by (/openapi.json)
const STATUSES = [
  'CREATED',
  'RESERVED',
  'PUSH_FAILED',
  'PUSHED_TO_WMS',
  'IN_PROGRESS',
  'PARTIALLY_SHIPPED',
  'CANCEL_REQUESTED',
  'MANUAL_INTERVENTION',
  'SHIPPED',
  'CANCELLED',
  'BACKORDERED',
];

const filtersOf = (params) => ({
  q: params.get('q') ?? '',
  status: params.get('status') ?? '',
  warehouseCode: params.get('warehouseCode') ?? '',
});

export const SearchPage = ({ params }) => {
  const filters = filtersOf(params);
  const [form, setForm] = useState(filters);
  const [page, setPage] = useState(null);
  const [problem, setProblem] = useState(null);
  const key = query(filters);
  const load = (cursor, previous = []) =>
    api(`/api/oms/reports/orders${query({ ...filters, limit: 50, cursor })}`).then(
      (found) => {
        setPage({ items: [...previous, ...found.items], nextCursor: found.nextCursor });
        setProblem(null);
      },
      (e) => setProblem(e.explained ?? e.message),
    );
  useEffect(() => {
    setForm(filters);
    void load(undefined);
  }, [key]);
  useLive(
    (event) => event.orderNo !== undefined,
    () => load(undefined),
    [key],
  );
  const submit = (event) => {
    event.preventDefault();
    location.hash = `#/search${query({ q: form.q.trim(), status: form.status, warehouseCode: form.warehouseCode.trim() })}`;
  };
  const field = (name) => (e) => setForm({ ...form, [name]: e.currentTarget.value });
  return html`<h1 tabindex="-1">Search</h1>
    <form class="filters" role="search" onSubmit=${submit}>
      <label>Order, WMS number, waybill or SKU <input id="search-term" type="search" value=${form.q} onInput=${field('q')} /></label>
      <label
        >Status
        <select value=${form.status} onChange=${field('status')}>
          <option value="">any</option>
          ${STATUSES.map((s) => html`<option value=${s}>${s}</option>`)}
        </select></label
      >
      <label>Warehouse <input value=${form.warehouseCode} size="8" onInput=${field('warehouseCode')} /></label>
      <button type="submit">Search</button>
    </form>
    ${problem && html`<p role="alert" class="error">${problem}</p>`}
    ${
      page === null
        ? html`<p class="loading">Loading…</p>`
        : html`<table>
              <caption>
                ${page.items.length === 0 ? 'No order matches.' : `${page.items.length}${page.nextCursor ? '+' : ''} orders, newest first`}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Order</th>
                  <th scope="col">Status</th>
                  <th scope="col">Warehouse</th>
                  <th scope="col">Consignee</th>
                  <th scope="col">WMS number</th>
                  <th scope="col">Placed</th>
                  <th scope="col">Ordered / shipped</th>
                </tr>
              </thead>
              <tbody>
                ${page.items.map(
                  (o) =>
                    html`<tr key=${o.orderNo}>
                      <th scope="row"><a href=${orderLink(o.orderNo)}>${o.orderNo}</a></th>
                      <td>${o.status}</td>
                      <td>${o.warehouseCode}</td>
                      <td>${o.consignee}</td>
                      <td>${o.outboundNo ?? ''}</td>
                      <td>${when(o.placedAt)}</td>
                      <td>${o.quantities.ordered} / ${o.quantities.shipped}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
            ${page.nextCursor && html`<button type="button" onClick=${() => load(page.nextCursor, page.items)}>More</button>`}`
    }`;
};
