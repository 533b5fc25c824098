/**
 * Every id ExitLens contributes to VS Code, listed once. A unit test checks that package.json
 * contributes exactly these, so a rename cannot leave a dead command or a missing view behind.
 */

export const COMMANDS = {
  compareBuilds: 'exitlens.compareBuilds',
  openTraceSummary: 'exitlens.openTraceSummary',
  simulateWorkload: 'exitlens.simulateWorkload',
  toggleAnnotations: 'exitlens.toggleAnnotations',
  annotateSources: 'exitlens.annotateSources',
  setBaseline: 'exitlens.setBaseline',
  refreshTraces: 'exitlens.refreshTraces',
  revealSite: 'exitlens.revealSite',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

export const VIEW_CONTAINER = 'exitlens';

export const VIEWS = {
  traces: 'exitlens.traces',
  hotSites: 'exitlens.hotSites',
} as const;

export const LANGUAGE_ID = 'exit-trace';

/** Webview panel view types (also the custom editor's). */
export const PANELS = {
  summary: 'exitlens.summary',
  compare: 'exitlens.compare',
  /** Custom editor (priority default) for ExitLens JSONL traces. */
  summaryEditor: 'exitlens.summaryEditor',
  /** Custom editor (priority option: "Open With… ExitLens Summary") for text traces. */
  textTraceSummaryEditor: 'exitlens.textTraceSummaryEditor',
} as const;

/** Walkthrough ids (contributes.walkthroughs); VS Code addresses them as `<publisher>.<name>#<id>`. */
export const WALKTHROUGHS = {
  getStarted: 'getStarted',
} as const;

/** Theme colours for the heat buckets and markers (declared in contributes.colors). */
export const COLORS = {
  heat: ['exitlens.heat1Background', 'exitlens.heat2Background', 'exitlens.heat3Background', 'exitlens.heat4Background'],
  ruler: 'exitlens.heatRuler',
  inline: 'exitlens.inlineForeground',
} as const;

/** Settings keys under the `exitlens` section. */
export const SETTINGS = {
  traceGlob: 'exitlens.traceGlob',
  symbolFiles: 'exitlens.symbolFiles',
  annotationsEnabled: 'exitlens.annotations.enabled',
  annotationsMetric: 'exitlens.annotations.metric',
  annotationsCategories: 'exitlens.annotations.categories',
  symbolizerPath: 'exitlens.symbolizer.path',
  maxEditorFileSizeMB: 'exitlens.maxEditorFileSizeMB',
} as const;

/** Context keys set with `setContext`, usable in `when` clauses. */
export const CONTEXT_KEYS = {
  annotationsOn: 'exitlens.annotationsOn',
} as const;
