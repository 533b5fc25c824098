/**
 * The summary's chart: exits (or host time) per ExitLens category, one bar per non-zero category, in the
 * model's display order. chart.js is bundled (tree-shaken registrations below), never loaded from a CDN.
 * Animation is off so the first frame is the final one: what a screenshot or a pixel test sees is the data.
 */
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';
import { CATEGORIES, type Category } from '../../core/model/exit';
import type { TraceSummary } from '../../core/model/summary';
import { themeColor } from '../common/dom';
import { formatCount, formatNs } from '../../core/format';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

/** What the bars measure. */
export type ChartMetric = 'exits' | 'hostTime';

/** One bar. */
export interface Bar {
  readonly category: Category;
  readonly value: number;
}

/** The bars for a summary: non-zero categories only, in CATEGORIES order. */
export function barsFor(summary: TraceSummary, metric: ChartMetric): Bar[] {
  const source = metric === 'exits' ? summary.byCategory : summary.timeByCategory;
  return CATEGORIES.map((category) => ({ category, value: source[category] ?? 0 })).filter((b) => b.value > 0);
}

/** Theme chart colours per category family (VS Code's `--vscode-charts-*` variables follow the theme). */
const CATEGORY_COLOR: Readonly<Record<Category, [string, string]>> = {
  pagefault: ['--vscode-charts-red', '#f14c4c'],
  ept: ['--vscode-charts-orange', '#d18616'],
  mmio: ['--vscode-charts-purple', '#b180d7'],
  cr3: ['--vscode-charts-yellow', '#cca700'],
  cr: ['--vscode-charts-yellow', '#cca700'],
  invlpg: ['--vscode-charts-orange', '#d18616'],
  io: ['--vscode-charts-blue', '#3794ff'],
  interrupt: ['--vscode-charts-green', '#89d185'],
  exception: ['--vscode-charts-red', '#f14c4c'],
  hlt: ['--vscode-disabledForeground', '#8c8c8c'],
  msr: ['--vscode-charts-blue', '#3794ff'],
  cpuid: ['--vscode-charts-green', '#89d185'],
  hypercall: ['--vscode-charts-purple', '#b180d7'],
  other: ['--vscode-charts-lines', '#8c8c8c'],
};

/** Owns the chart instance; redrawing replaces the data instead of stacking charts on one canvas. */
export class CategoryChart {
  private chart: Chart<'bar'> | undefined;

  constructor(private readonly canvas: HTMLCanvasElement) {}

  /** Draws the bars and returns how many were drawn. */
  draw(summary: TraceSummary, metric: ChartMetric): number {
    const bars = barsFor(summary, metric);
    const foreground = themeColor('--vscode-foreground', '#cccccc');
    const grid = themeColor('--vscode-editorWidget-border', '#454545');
    const colors = bars.map((b) => themeColor(...CATEGORY_COLOR[b.category]));
    const format = metric === 'exits' ? formatCount : formatNs;
    this.chart?.destroy();
    this.chart = new Chart(this.canvas, {
      type: 'bar',
      data: {
        labels: bars.map((b) => b.category),
        datasets: [{ label: metric === 'exits' ? 'exits' : 'host time', data: bars.map((b) => b.value), backgroundColor: colors, borderWidth: 0, maxBarThickness: 90 }],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: {
          tooltip: { callbacks: { label: (item) => `${item.label}: ${format(item.parsed.y ?? 0)}` } },
        },
        scales: {
          x: { ticks: { color: foreground }, grid: { color: grid } },
          // precision 0: exit counts are whole numbers, so no 0.2-exit ticks on small traces.
          y: { beginAtZero: true, ticks: { color: foreground, precision: 0, callback: (v) => format(Number(v)) }, grid: { color: grid } },
        },
      },
    });
    return bars.length;
  }

  destroy(): void {
    this.chart?.destroy();
    this.chart = undefined;
  }
}
