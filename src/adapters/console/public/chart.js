// A chart (Chart.js, loaded by the page as window.Chart) in a figure with its caption; the canvas is
// an image to assistive technology, named by the caption and summarised in `summary`.
import { useEffect, useRef } from 'preact/hooks';
import { html } from './html.js';

export const ChartFigure = ({ id, caption, summary, config }) => {
  const canvas = useRef(null);
  useEffect(() => {
    const chart = new window.Chart(canvas.current, {
      ...config,
      options: { animation: false, maintainAspectRatio: false, ...config.options },
    });
    return () => chart.destroy();
  }, [JSON.stringify(config)]);
  return html`<figure class="chart">
    <figcaption id=${`${id}-caption`}>${caption}</figcaption>
    <div class="canvas">
      <canvas ref=${canvas} role="img" aria-labelledby=${`${id}-caption`} aria-describedby=${`${id}-summary`}></canvas>
    </div>
    <p id=${`${id}-summary`} class="muted">${summary}</p>
  </figure>`;
};
