/**
 * The extension's LogOutputChannel. Every line goes through the redactor, so
 * passwords never reach the Output panel; lines carry a component tag.
 */
import * as vscode from 'vscode';
import type { OutputChunk } from '../../engine';
import { Redactor } from '../model/redact';

export class Log implements vscode.Disposable {
  readonly redactor = new Redactor();
  private readonly channel: vscode.LogOutputChannel;

  constructor(name: string) {
    this.channel = vscode.window.createOutputChannel(name, { log: true });
  }

  private fmt(component: string, message: string): string {
    return this.redactor.redact(`[${component}] ${message}`);
  }

  trace(component: string, message: string): void {
    this.channel.trace(this.fmt(component, message));
  }
  debug(component: string, message: string): void {
    this.channel.debug(this.fmt(component, message));
  }
  info(component: string, message: string): void {
    this.channel.info(this.fmt(component, message));
  }
  warn(component: string, message: string): void {
    this.channel.warn(this.fmt(component, message));
  }
  error(component: string, message: string | Error): void {
    this.channel.error(this.fmt(component, message instanceof Error ? (message.stack ?? message.message) : message));
  }

  /** An engine operation's redis-cli output, one log line per text line. */
  output(component: string, chunks: readonly OutputChunk[]): void {
    const text = chunks.map((c) => c.text).join('');
    for (const line of text.split(/\r?\n/)) {
      if (line.trim() === '') continue;
      const level = /^\[ERR\]|^\*\*\* |ERR /.test(line) ? 'warn' : 'info';
      this[level](component, line);
    }
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
