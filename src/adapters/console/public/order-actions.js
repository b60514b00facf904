// What a person can do about an order that waits for them: retry the push, move it to a warehouse
// whose stock covers its lines, resolve it by hand, cancel it. Each is a REST call in their name.
import { useEffect, useState } from 'preact/hooks';
import { api, query } from './api.js';
import { html } from './html.js';

const path = (orderNo, action) => `/api/oms/orders/${encodeURIComponent(orderNo)}/${action}`;

/** The other warehouses with stock for every line still owed (ordered − shipped − cancelled − backordered). */
const coveringWarehouses = async (orderNo) => {
  const order = await api(`/api/oms/orders/${encodeURIComponent(orderNo)}`);
  const owed = order.lines
    .map((line) => ({ sku: line.sku, quantity: line.ordered - line.shipped - line.cancelled - line.backordered }))
    .filter((line) => line.quantity > 0);
  const stock = await Promise.all(owed.map((line) => api(`/api/oms/stock${query({ sku: line.sku })}`)));
  const warehouses = new Set(stock.flat().map((row) => row.warehouseCode));
  return [...warehouses]
    .filter((code) => code !== order.warehouseCode)
    .filter((code) => owed.every((line, i) => (stock[i].find((row) => row.warehouseCode === code)?.available ?? 0) >= line.quantity))
    .sort();
};

const RerouteForm = ({ orderNo, run, onClose }) => {
  const [choices, setChoices] = useState(undefined);
  const [warehouse, setWarehouse] = useState('');
  useEffect(() => {
    coveringWarehouses(orderNo).then(
      (found) => {
        setChoices(found);
        setWarehouse(found[0] ?? '');
      },
      () => setChoices([]),
    );
  }, [orderNo]);
  if (choices === undefined) return html`<span>Looking for stock…</span>`;
  if (choices.length === 0)
    return html`<span>No other warehouse has stock for every line. <button type="button" onClick=${onClose}>Close</button></span>`;
  const submit = async (event) => {
    event.preventDefault();
    if (
      await run(`Reroute ${orderNo} to ${warehouse}`, () =>
        api(path(orderNo, 'reroute'), { method: 'POST', body: { warehouseCode: warehouse, reason: 'rerouted from the console' } }),
      )
    )
      onClose();
  };
  return html`<form class="inline" onSubmit=${submit}>
    <label
      >Warehouse for ${orderNo}
      <select value=${warehouse} onChange=${(e) => setWarehouse(e.currentTarget.value)}>
        ${choices.map((code) => html`<option value=${code}>${code}</option>`)}
      </select></label
    >
    <button type="submit">Move it</button>
    <button type="button" onClick=${onClose}>Close</button>
  </form>`;
};

const ResolveForm = ({ orderNo, run, onClose }) => {
  const [outboundNo, setOutboundNo] = useState('');
  const [note, setNote] = useState('');
  const submit = async (event) => {
    event.preventDefault();
    if (await run(`Resolve ${orderNo}`, () => api(path(orderNo, 'resolve'), { method: 'POST', body: { outboundNo, note } }))) onClose();
  };
  return html`<form class="inline" onSubmit=${submit}>
    <label>WMS order number <input required value=${outboundNo} onInput=${(e) => setOutboundNo(e.currentTarget.value)} /></label>
    <label>Note <input value=${note} onInput=${(e) => setNote(e.currentTarget.value)} /></label>
    <button type="submit">Resolve</button>
    <button type="button" onClick=${onClose}>Close</button>
  </form>`;
};

const CancelForm = ({ orderNo, run, onClose }) => {
  const [reason, setReason] = useState('');
  const submit = async (event) => {
    event.preventDefault();
    if (
      await run(`Cancel ${orderNo}`, () =>
        api(path(orderNo, 'cancel'), { method: 'POST', body: { reason: reason.trim() || 'cancelled from the console' } }),
      )
    )
      onClose();
  };
  return html`<form class="inline" onSubmit=${submit}>
    <label>Reason <input value=${reason} onInput=${(e) => setReason(e.currentTarget.value)} /></label>
    <button type="submit">Cancel the order</button>
    <button type="button" onClick=${onClose}>Keep it</button>
  </form>`;
};

const forms = { reroute: RerouteForm, resolve: ResolveForm, cancel: CancelForm };

/** The buttons for an order, for a person who may act; `waiting`: it waits for a person (retry, resolve). */
export const OrderActions = ({ orderNo, waiting, closed, run, busy }) => {
  const [open, setOpen] = useState(null);
  if (open !== null) {
    const Form = forms[open];
    return html`<${Form} orderNo=${orderNo} run=${run} onClose=${() => setOpen(null)} />`;
  }
  return html`<span class="actions">
    ${waiting && html`<button type="button" disabled=${busy} onClick=${() => run(`Retry ${orderNo}`, () => api(path(orderNo, 'retry-push'), { method: 'POST', body: {} }))}>Retry push</button>`}
    ${!closed && html`<button type="button" disabled=${busy} onClick=${() => setOpen('reroute')}>Reroute…</button>`}
    ${waiting && html`<button type="button" disabled=${busy} onClick=${() => setOpen('resolve')}>Resolve…</button>`}
    ${!closed && html`<button type="button" disabled=${busy} onClick=${() => setOpen('cancel')}>Cancel…</button>`}
  </span>`;
};
