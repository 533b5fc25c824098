/**
 * Base for the low-volume, line-oriented formats (perf kvm stat tables, kvm_stat screens, ExitLens
 * JSON Lines): lines arrive as decoded strings, `\r` stripped. Speed does not matter there; clarity does.
 */
import type { TraceFormat, TraceParser, TraceSink } from '../model/trace';
import { utf8 } from './bytes';
import { LineSplitter } from './lineSplitter';

/** A TraceParser that sees decoded lines: subclasses implement onTextLine() and finish(). */
export abstract class TextLineParser implements TraceParser {
  private readonly splitter: LineSplitter;

  constructor(
    readonly format: TraceFormat,
    protected readonly sink: TraceSink,
  ) {
    this.splitter = new LineSplitter(
      (buf, start, end, line) => {
        if (end > start && buf[end - 1] === 13) end--;
        this.onTextLine(utf8(buf, start, end), line);
      },
      (line, max) => this.sink.warning({ line, message: `line longer than ${max} bytes; skipped` }),
    );
  }

  /** Lines read so far. */
  get lines(): number {
    return this.splitter.lines;
  }

  push(chunk: Uint8Array): void {
    this.splitter.push(chunk);
  }

  end(): void {
    this.splitter.end();
    this.finish();
  }

  /** One line of text (no line terminator). */
  protected abstract onTextLine(text: string, line: number): void;

  /** End of input: flush what is pending. */
  protected abstract finish(): void;
}

/** Removes mail quoting (`> `), `^C` echoes and surrounding blanks. */
export function unquote(text: string): string {
  return text.replace(/^[\s>]*/, '').replace(/^\^C\s*/, '').trimEnd();
}
