/**
 * SYNTHETIC ExitRecords for analysis tests: hand-made, not captured from any host. Only the fields
 * the analysis reads are filled; everything else keeps the model's defaults.
 */
import type { Category, ExitRecord } from '../../../src/core/model/exit';

let nextLine = 1;

/** One synthetic exit; `line` auto-increments unless given. */
export function rec(
  timeNs: number,
  reasonName: string,
  category: Category,
  extra: Partial<Omit<ExitRecord, 'timeNs' | 'reasonName' | 'category'>> = {},
): ExitRecord {
  return { isa: 'vmx', line: nextLine++, ...extra, timeNs, reasonName, category };
}
