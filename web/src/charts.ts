/** The two charts, drawn with uPlot (bundled: no CDN). Each is redrawn only when its data changes. */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Overview } from './api';

const BLUE = '#0b5cad';
const GREEN = '#1a7f37';

function width(container: HTMLElement): number {
  return Math.max(260, Math.floor(container.clientWidth || 320));
}

const bars = uPlot.paths.bars?.({ size: [0.6, 48] });

export class BarChart {
  private plot: uPlot | undefined;
  private shown = '';

  constructor(
    private readonly container: HTMLElement,
    private readonly options: (data: Overview) => {
      xLabel: string;
      series: uPlot.Series[];
      data: uPlot.AlignedData;
      xValues: string[];
    },
  ) {
    new ResizeObserver(() => this.plot?.setSize({ width: width(this.container), height: 220 })).observe(
      container,
    );
  }

  show(overview: Overview): void {
    const { xLabel, series, data, xValues } = this.options(overview);
    const key = JSON.stringify(data);
    if (key === this.shown) return;
    this.shown = key;
    this.plot?.destroy();
    this.plot = new uPlot(
      {
        width: width(this.container),
        height: 220,
        scales: { x: { time: false } },
        axes: [
          {
            stroke: '#333',
            grid: { show: false },
            values: (_u, splits) => splits.map((v) => xValues[v] ?? ''),
            incrs: [1],
          },
          { stroke: '#333', grid: { stroke: '#ddd' }, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] },
        ],
        series: [
          { label: xLabel, value: (_u, v) => xValues[v] ?? '' },
          ...series.map((s) => ({ paths: bars, points: { show: false }, ...s })),
        ],
        legend: { show: true, live: false },
      },
      data,
      this.container,
    );
  }
}

export function stateChangesChart(container: HTMLElement): BarChart {
  return new BarChart(container, ({ stateChangesPerDay: days }) => ({
    xLabel: 'Day',
    xValues: days.map((d) => d.day.slice(5)),
    data: [days.map((_, i) => i), days.map((d) => d.changes), days.map((d) => d.accepted)],
    series: [
      { label: 'State changes', fill: `${BLUE}cc`, stroke: BLUE },
      { label: 'Accepted', fill: `${GREEN}cc`, stroke: GREEN },
    ],
  }));
}

export function timeToAcceptedChart(container: HTMLElement): BarChart {
  return new BarChart(container, ({ timeToAccepted: { buckets } }) => ({
    xLabel: 'Days to accept',
    xValues: buckets.map((b) => b.label),
    data: [buckets.map((_, i) => i), buckets.map((b) => b.count)],
    series: [{ label: 'Customers', fill: `${GREEN}cc`, stroke: GREEN }],
  }));
}
