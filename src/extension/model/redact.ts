/**
 * Removes secrets from text before it reaches the log: passwords the
 * extension knows, AUTH arguments, and `password`/`pass`/`token` fields. Pure.
 */
export const REDACTED = '<redacted>';

export class Redactor {
  private readonly secrets = new Set<string>();

  /** Remembers a secret so that any later occurrence in logged text is hidden. */
  add(secret: string | undefined): void {
    if (secret && secret.length >= 1) this.secrets.add(secret);
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a secret containing another is hidden whole.
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join(REDACTED);
    // A command line that starts with AUTH (a typed "Call Command", an echoed command): hide its arguments.
    out = out.replace(/^(\s*(?:>>> Calling\s+)?AUTH)\s+(\S+)(\s+\S+)?/gim, (_m, cmd: string, a: string, b?: string) =>
      b ? `${cmd} ${a} ${REDACTED}` : `${cmd} ${REDACTED}`,
    );
    out = out.replace(/("?(?:password|pass|passwd|token|secret|masterauth|requirepass)"?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;}]+)/gi, `$1${REDACTED}`);
    out = out.replace(/(--(?:pass|askpass|cluster-from-pass)\s+|-a\s+)(\S+)/g, `$1${REDACTED}`);
    return out;
  }
}
