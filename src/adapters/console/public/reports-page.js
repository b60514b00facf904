// Reports as charts: orders by status per warehouse, lead times (p50 and p95 per warehouse and day),
// units shipped per day, anomalies by kind; over the last 30 days (the reports' own zone).
import { useEffect, useState } from 'preact/hooks';
import { api, query } from './api.js';
import { ChartFigure } from './chart.js';
import { html } from './html.js';
import { useLive } from './live.js';

const DAYS = 30;
const palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#393b79'];
const colour = (i) => palette[i % palette.length];

const dayOf = (date) => date.toISOString().slice(0, 10);
const unique = (values) => [...new Set(values)].sort();

const statusChart = (items) => {
  const warehouses = items.map((i) => i.warehouseCode);
  const statuses = unique(items.flatMap((i) => Object.keys(i.counts)));
  return {
    type: 'bar',
    data: {
      labels: warehouses,
      datasets: statuses.map((s, n) => ({ label: s, data: items.map((i) => i.counts[s] ?? 0), backgroundColor: colour(n) })),
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
  };
};

const leadTimeChart = (items) => {
  const days = unique(items.map((i) => i.day));
  const warehouses = unique(items.map((i) => i.warehouseCode));
  const series = (warehouse, which, n, dashed) => ({
    label: `${warehouse} ${which}`,
    data: days.map((day) => items.find((i) => i.day === day && i.warehouseCode === warehouse)?.placedToShipped[which] ?? null),
    borderColor: colour(n),
    backgroundColor: colour(n),
    borderDash: dashed ? [6, 4] : [],
    spanGaps: true,
  });
  return {
    type: 'line',
    data: { labels: days, datasets: warehouses.flatMap((w, n) => [series(w, 'p50', n, false), series(w, 'p95', n, true)]) },
    options: { scales: { y: { beginAtZero: true, title: { display: true, text: 'seconds, placed → shipped' } } } },
  };
};

const shippedChart = (items) => {
  const days = unique(items.map((i) => i.day));
  const warehouses = unique(items.map((i) => i.warehouseCode));
  return {
    type: 'bar',
    data: {
      labels: days,
      datasets: warehouses.map((w, n) => ({
        label: w,
        data: days.map((day) => items.filter((i) => i.day === day && i.warehouseCode === w).reduce((sum, i) => sum + i.quantity, 0)),
        backgroundColor: colour(n),
      })),
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, title: { display: true, text: 'units' } } } },
  };
};

const anomalyChart = (items) => ({
  type: 'bar',
  data: {
    labels: items.map((i) => `${i.source}: ${i.kind}`),
    datasets: [{ label: 'anomalies', data: items.map((i) => i.count), backgroundColor: colour(3) }],
  },
  options: { indexAxis: 'y', scales: { x: { beginAtZero: true } } },
});

export const ReportsPage = () => {
  const [reports, setReports] = useState(null);
  const [problem, setProblem] = useState(null);
  const load = () => {
    const to = new Date();
    const from = new Date(to.getTime() - (DAYS - 1) * 86_400_000);
    const days = { from: dayOf(from), to: dayOf(to), limit: 500 };
    return Promise.all([
      api(`/api/oms/reports/status-counts${query({ limit: 500 })}`),
      api(`/api/oms/reports/lead-times${query(days)}`),
      api(`/api/oms/reports/shipped-per-day${query(days)}`),
      api(`/api/oms/reports/anomalies${query({ limit: 500 })}`),
    ]).then(
      ([status, lead, shipped, anomalies]) => {
        setReports({ status: status.items, lead: lead.items, shipped: shipped.items, anomalies: anomalies.items });
        setProblem(null);
      },
      (e) => setProblem(e.explained ?? e.message),
    );
  };
  useEffect(() => void load(), []);
  useLive(() => true, load, []);
  const total = (items, of) => items.reduce((sum, i) => sum + of(i), 0);
  return html`<h1 tabindex="-1">Reports</h1>
    ${problem && html`<p role="alert" class="error">${problem}</p>`}
    ${
      reports === null
        ? html`<p class="loading">Loading…</p>`
        : html`<div class="charts">
            <${ChartFigure}
              id="status"
              caption="Orders by status, per warehouse"
              config=${statusChart(reports.status)}
              summary=${`${total(reports.status, (i) => i.total)} orders in ${reports.status.length} warehouses`}
            />
            <${ChartFigure}
              id="lead"
              caption=${`Lead time placed → shipped, p50 and p95 (dashed), last ${DAYS} days`}
              config=${leadTimeChart(reports.lead)}
              summary=${`${total(reports.lead, (i) => i.placedToShipped.orders)} orders shipped`}
            />
            <${ChartFigure}
              id="shipped"
              caption=${`Units shipped per day, last ${DAYS} days`}
              config=${shippedChart(reports.shipped)}
              summary=${`${total(reports.shipped, (i) => i.quantity)} units in ${total(reports.shipped, (i) => i.shipments)} shipments`}
            />
            <${ChartFigure}
              id="anomalies"
              caption="Anomalies by kind"
              config=${anomalyChart(reports.anomalies)}
              summary=${`${total(reports.anomalies, (i) => i.count)} anomalies`}
            />
          </div>`
    }`;
};
