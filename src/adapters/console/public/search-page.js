// Search: an order by its number, its WMS number, a waybill or a SKU (exact), narrowed by status
// and warehouse; newest placed first, a page at a time. The form is kept in the address (#/search?…).
import { useEffect, useState } from 'preact/hooks';
import { api, query } from './api.js';
import { orderLink, when } from './format.js';
import { html } from './html.js';
import { useLive } from './live.js';
import { Table } from './table.js';
import { ORDER_STATUSES } from './order-statuses.js';

const orderColumns = [
  { title: 'Order', cell: (o) => html`<a href=${orderLink(o.orderNo)}>${o.orderNo}</a>` },
  { title: 'Status', cell: (o) => o.status },
  { title: 'Warehouse', cell: (o) => o.warehouseCode },
  { title: 'Consignee', cell: (o) => o.consignee },
  { title: 'WMS number', cell: (o) => o.outboundNo ?? '' },
  { title: 'Placed', cell: (o) => when(o.placedAt) },
  { title: 'Ordered / shipped', cell: (o) => `${o.quantities.ordered} / ${o.quantities.shipped}` },
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
          ${ORDER_STATUSES.map((s) => html`<option value=${s}>${s}</option>`)}
        </select></label
      >
      <label>Warehouse <input value=${form.warehouseCode} size="8" onInput=${field('warehouseCode')} /></label>
      <button type="submit">Search</button>
    </form>
    ${problem && html`<p role="alert" class="error">${problem}</p>`}
    ${
      page === null
        ? html`<p class="loading">Loading…</p>`
        : html`<${Table}
              caption=${page.items.length === 0 ? 'No order matches.' : `${page.items.length}${page.nextCursor ? '+' : ''} orders, newest first`}
              columns=${orderColumns}
              rows=${page.items}
              rowKey=${(o) => o.orderNo}
            />
            ${page.nextCursor && html`<button type="button" onClick=${() => load(page.nextCursor, page.items)}>More</button>`}`
    }`;
};
