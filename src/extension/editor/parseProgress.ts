/**
 * A progress notification for a long read: percentage and exits/s, with a Cancel button. It appears only
 * when the read is still running after a short delay, so small traces (almost all of them) open without a
 * notification flashing by.
 */
import * as vscode from 'vscode';
import { formatCount } from '../../core/format';

/** Reads shorter than this show no notification. */
export const PROGRESS_NOTIFICATION_DELAY_MS = 700;

/** The sentence a notification (and the summary page) shows: `42 % · 1,234,567 exits/s`. */
export function progressText(bytesRead: number, totalBytes: number | undefined, exits: number | undefined, elapsedMs: number): { percent?: number; text: string } {
  const percent = totalBytes ? Math.min(100, Math.floor((100 * bytesRead) / totalBytes)) : undefined;
  const parts: string[] = [];
  if (percent !== undefined) parts.push(`${percent} %`);
  if (exits !== undefined && elapsedMs > 0) parts.push(`${formatCount((exits * 1000) / elapsedMs)} exits/s`);
  return { percent, text: parts.join(' · ') };
}

/** One read's notification; `update` as progress comes, `done` when the read ends (however). */
export class ParseProgressNotification {
  private readonly started = Date.now();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private progress: vscode.Progress<{ message?: string; increment?: number }> | undefined;
  private finish: (() => void) | undefined;
  private shownPercent = 0;
  private latest: { bytesRead: number; totalBytes?: number; exits?: number } | undefined;
  private ended = false;

  constructor(
    private readonly label: string,
    private readonly onCancel: () => void,
    delayMs = PROGRESS_NOTIFICATION_DELAY_MS,
  ) {
    this.timer = setTimeout(() => this.show(), delayMs);
  }

  /** Milliseconds since the read started. */
  get elapsedMs(): number {
    return Date.now() - this.started;
  }

  update(bytesRead: number, totalBytes: number | undefined, exits: number | undefined): void {
    this.latest = { bytesRead, totalBytes, exits };
    this.report();
  }

  done(): void {
    this.ended = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.finish?.();
  }

  private show(): void {
    this.timer = undefined;
    if (this.ended) return;
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `ExitLens: reading ${this.label}`, cancellable: true },
      (progress, token) => {
        this.progress = progress;
        token.onCancellationRequested(() => this.onCancel());
        this.report();
        return new Promise<void>((resolve) => {
          this.finish = resolve;
          if (this.ended) resolve();
        });
      },
    );
  }

  private report(): void {
    if (!this.progress || !this.latest) return;
    const { percent, text } = progressText(this.latest.bytesRead, this.latest.totalBytes, this.latest.exits, this.elapsedMs);
    const increment = percent !== undefined ? Math.max(0, percent - this.shownPercent) : undefined;
    if (percent !== undefined) this.shownPercent = Math.max(this.shownPercent, percent);
    this.progress.report({ message: text, increment });
  }
}
