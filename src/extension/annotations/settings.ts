/**
 * The annotation settings, read in one place: the metric, the category filter and whether
 * annotations start switched on. Changes are announced once per affecting configuration change.
 */
import * as vscode from 'vscode';
import type { Category } from '../../core/model/exit';
import { SETTINGS } from '../../shared/ids';
import { categoryFilter, normalizeMetric, type AnnotationMetric } from './decorationModel';

/** A snapshot of the settings that shape annotations. */
export interface AnnotationSettingsSnapshot {
  readonly enabled: boolean;
  readonly metric: AnnotationMetric;
  readonly categories: ReadonlySet<Category>;
}

/** Reads the settings now. */
export function readAnnotationSettings(): AnnotationSettingsSnapshot {
  const config = vscode.workspace.getConfiguration();
  return {
    enabled: config.get<boolean>(SETTINGS.annotationsEnabled) !== false,
    metric: normalizeMetric(config.get<string>(SETTINGS.annotationsMetric)),
    categories: categoryFilter(config.get<unknown[]>(SETTINGS.annotationsCategories)),
  };
}

/** True when a change touches the annotation look (metric, categories, enabled). */
export function affectsAnnotations(e: vscode.ConfigurationChangeEvent): boolean {
  return [SETTINGS.annotationsEnabled, SETTINGS.annotationsMetric, SETTINGS.annotationsCategories].some((k) => e.affectsConfiguration(k));
}

/** True when a change may change how sites resolve (symbol files, symbolizer path). */
export function affectsSymbols(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(SETTINGS.symbolFiles) || e.affectsConfiguration(SETTINGS.symbolizerPath);
}
