/**
 * The compare page's four charts on chart.js (bundled; animation off so the first frame is the
 * final one, which is what screenshots and pixel tests see): grouped category bars, the diverging
 * change against the baseline, exits per ms over time (LTTB decimation for long traces; wheel zoom,
 * drag pan and shift-drag range zoom through chartjs-plugin-zoom), and host-time histograms per
 * octave on a log scale. The numbers come from core/compare/chartData.ts.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Decimation,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import zoomPlugin from 'chartjs-plugin-zoom';
import { categoryBars, deltaBars, octaveBins, timelinePoints, type CategoryMetric } from '../../core/compare/chartData';
import { formatCount, formatDelta, formatNs } from '../../core/compare/format';
import type { ComparePayload } from '../../core/compare/payload';
import { axisColors, deltaColors, NEUTRAL_CHANGE, traceColor } from './palette';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, LogarithmicScale, Tooltip, Legend, Decimation, zoomPlugin);

/** Samples LTTB keeps per trace line: plenty for a chart, cheap to draw. */
export const TIMELINE_SAMPLES = 500;

const unitOf = (metric: CategoryMetric) => (metric === 'exits' ? formatCount : formatNs);

function baseOptions(): { foreground: string; grid: string } {
  return axisColors();
}

/** Exits or host time per category, one bar per trace in each group. Returns the bars drawn. */
export function categoryChart(canvas: HTMLCanvasElement, p: ComparePayload, metric: CategoryMetric): { chart: Chart; bars: number } {
  const { labels, values } = categoryBars(p.comparison, metric);
  const { foreground, grid } = baseOptions();
  const unit = unitOf(metric);
  const config: ChartConfiguration<'bar'> = {
    type: 'bar',
    data: {
      labels: [...labels],
      datasets: p.comparison.traces.map((t, i) => ({
        label: t.label,
        data: [...values[i]],
        backgroundColor: traceColor(i),
        borderWidth: 0,
        maxBarThickness: 48,
      })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: {
        legend: { labels: { color: foreground } },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${unit(item.parsed.y ?? 0)}` } },
      },
      scales: {
        x: { ticks: { color: foreground }, grid: { color: grid } },
        y: { beginAtZero: true, ticks: { color: foreground, precision: 0, callback: (v) => unit(Number(v)) }, grid: { color: grid } },
      },
    },
  };
  return { chart: new Chart(canvas, config), bars: values.reduce((n, row) => n + row.filter((v) => v > 0).length, 0) };
}

/** B − A per category for trace `b`, horizontal bars diverging from zero, coloured by sign. */
export function deltaChart(canvas: HTMLCanvasElement, p: ComparePayload, b: number, metric: CategoryMetric): Chart {
  const bars = deltaBars(p.comparison, b, metric, NEUTRAL_CHANGE);
  const colors = deltaColors();
  const { foreground, grid } = baseOptions();
  const unit = unitOf(metric);
  const config: ChartConfiguration<'bar'> = {
    type: 'bar',
    data: {
      labels: bars.map((d) => d.category),
      datasets: [
        {
          label: `${p.comparison.traces[b].label} − ${p.comparison.traces[0].label}`,
          data: bars.map((d) => d.delta),
          backgroundColor: bars.map((d) => colors[d.kind]),
          borderWidth: 0,
          maxBarThickness: 28,
        },
      ],
    },
    options: {
      indexAxis: 'y',
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (item) => {
              const d = bars[item.dataIndex];
              const rel = d.relative === null ? 'new in B' : `${d.relative >= 0 ? '+' : '−'}${Math.abs(d.relative * 100).toFixed(1)} %`;
              return `${formatDelta(d.delta, unit)} (${rel})`;
            },
          },
        },
      },
      scales: {
        x: { ticks: { color: foreground, callback: (v) => formatDelta(Number(v), unit) }, grid: { color: grid } },
        y: { ticks: { color: foreground }, grid: { color: grid } },
      },
    },
  };
  return new Chart(canvas, config);
}

/** Exits per ms over time, one line per trace; returns the chart and the points before decimation. */
export function timelineChart(canvas: HTMLCanvasElement, p: ComparePayload): { chart: Chart; points: number } {
  const { foreground, grid } = baseOptions();
  let points = 0;
  const datasets = p.series.map((s, i) => {
    const data = timelinePoints(s.timeline);
    points += data.length;
    return { label: s.label, data, borderColor: traceColor(i), backgroundColor: traceColor(i), borderWidth: 1.5, pointRadius: 0, tension: 0 };
  });
  const config: ChartConfiguration<'line', { x: number; y: number }[]> = {
    type: 'line',
    data: { datasets },
    options: {
      animation: false,
      parsing: false,
      normalized: true,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      plugins: {
        legend: { labels: { color: foreground } },
        decimation: { enabled: true, algorithm: 'lttb', samples: TIMELINE_SAMPLES },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${formatCount(item.parsed.y ?? 0)} exits/ms at ${(item.parsed.x ?? 0).toFixed(3)} ms` } },
        zoom: {
          limits: { x: { min: 'original', max: 'original' } },
          pan: { enabled: true, mode: 'x' },
          zoom: { wheel: { enabled: true }, drag: { enabled: true, modifierKey: 'shift' }, mode: 'x' },
        },
      },
      scales: {
        x: { type: 'linear', title: { display: true, text: 'ms since the first exit', color: foreground }, ticks: { color: foreground }, grid: { color: grid } },
        y: { beginAtZero: true, title: { display: true, text: 'exits per ms', color: foreground }, ticks: { color: foreground }, grid: { color: grid } },
      },
    },
  };
  return { chart: new Chart(canvas, config), points };
}

/** Host-time distribution of one reason, exits per octave per trace, log-scale counts. */
export function histogramChart(canvas: HTMLCanvasElement, p: ComparePayload, reason: string): { chart: Chart; bins: number } {
  const bins = octaveBins(p.series.map((s) => s.histograms[reason]));
  const { foreground, grid } = baseOptions();
  const config: ChartConfiguration<'bar', (number | null)[]> = {
    type: 'bar',
    data: {
      labels: bins.lowerNs.map((ns) => `≥ ${formatNs(ns)}`),
      datasets: p.series.map((s, i) => ({
        label: s.label,
        // Log scales cannot show 0: empty octaves are gaps.
        data: bins.counts[i].map((n) => (n > 0 ? n : null)),
        backgroundColor: traceColor(i),
        borderWidth: 0,
        maxBarThickness: 40,
      })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: {
        legend: { labels: { color: foreground } },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${formatCount(item.parsed.y ?? 0)} exits` } },
      },
      scales: {
        x: { title: { display: true, text: `host time of ${reason} (exit → entry), per power of two`, color: foreground }, ticks: { color: foreground }, grid: { color: grid } },
        // From 0.5 so a bar of one exit still shows; ticks only at powers of ten.
        y: {
          type: 'logarithmic',
          min: 0.5,
          title: { display: true, text: 'exits (log scale)', color: foreground },
          ticks: { color: foreground, callback: (v) => (Number.isInteger(Math.log10(Number(v))) ? formatCount(Number(v)) : '') },
          grid: { color: grid },
        },
      },
    },
  };
  return { chart: new Chart(canvas, config), bins: bins.lowerNs.length };
}
