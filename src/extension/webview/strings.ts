/**
 * Loads the migration panel's strings for a display language from
 * l10n/bundle.l10n.webview-<language>.json (English is built in). A file
 * name VS Code's own l10n loader never picks up, so the panel's table stays
 * apart from the extension's bundle.l10n.<language>.json.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mergeStrings, translator, type StringKey } from '../../shared/strings';

export function webviewBundlePath(extensionPath: string, language: string): string {
  return join(extensionPath, 'l10n', `bundle.l10n.webview-${language}.json`);
}

/** Candidate languages, most specific first: `zh-cn` → [`zh-cn`, `zh`]. */
export function languageCandidates(language: string): string[] {
  const lang = language.toLowerCase();
  const out = [lang];
  const dash = lang.indexOf('-');
  if (dash > 0) out.push(lang.slice(0, dash));
  return out.filter((l) => l !== 'en' && /^[a-z0-9-]+$/.test(l));
}

export function loadStrings(extensionPath: string, language: string): Record<StringKey, string> {
  for (const lang of languageCandidates(language)) {
    try {
      return mergeStrings(JSON.parse(readFileSync(webviewBundlePath(extensionPath, lang), 'utf8')));
    } catch {
      // try the next candidate, then English
    }
  }
  return mergeStrings(undefined);
}

export { translator };
