/**
 * The slice of `vscode.l10n` the pure modules use. The extension passes the
 * real `vscode.l10n`; unit tests pass `englishL10n`. Call it as `l10n.t(...)`
 * so every runtime string is found by the l10n check.
 */
export interface L10n {
  t(message: string, ...args: Array<string | number | boolean>): string;
}

/** Formats `{0}`-style placeholders without translating (tests, fallbacks). */
export const englishL10n: L10n = {
  t(message: string, ...args: Array<string | number | boolean>): string {
    return message.replace(/\{(\d+)\}/g, (m, i: string) => (args[Number(i)] !== undefined ? String(args[Number(i)]) : m));
  },
};
