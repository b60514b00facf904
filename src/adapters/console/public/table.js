// A table as the console shows one: a caption, a header row, and per row the first column as the
// row's header (what a screen reader names the row by). Columns: { title, cell: (row) => content }.
import { html } from './html.js';

export const Table = ({ caption, columns, rows, rowKey }) =>
  html`<table>
    <caption>
      ${caption}
    </caption>
    <thead>
      <tr>
        ${columns.map((column) => html`<th scope="col">${column.title}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        (row) =>
          html`<tr key=${rowKey(row)}>
            ${columns.map((column, i) => (i === 0 ? html`<th scope="row">${column.cell(row)}</th>` : html`<td class=${column.className ?? ''}>${column.cell(row)}</td>`))}
          </tr>`,
      )}
    </tbody>
  </table>`;
