/**
 * rcm's opt-in run profile (RCM_PROFILE=1, beside the executor's round trips per phase, exec/profile.ts): the
 * time of each phase of a run, from the process's own start
 * (performance.timeOrigin: Node's start-up and the bundle load are the first line), printed on stderr at
 * the end. Off, it records nothing and prints nothing.
 */
import { performance } from 'node:perf_hooks';

export interface Profile {
  /** Records that `phase` was reached now (a no-op when the profile is off). */
  readonly mark: (phase: string) => void;
  /** The profile's lines (`rcm: profile …`), empty when off. */
  lines(): string[];
}

/** RCM_PROFILE=1 only (another value names the file the executor's round-trip profile goes to: runPlan.ts). */
export const profileEnabled = (env: NodeJS.ProcessEnv): boolean => env.RCM_PROFILE === '1';

/** The line of one phase: time since the process started, since the phase before, its name. */
export const profileLine = (at: number, since: number, phase: string): string =>
  `rcm: profile ${at.toFixed(1).padStart(8)} ms  +${(at - since).toFixed(1).padStart(7)} ms  ${phase}\n`;

export function createProfile(env: NodeJS.ProcessEnv): Profile {
  if (!profileEnabled(env)) return { mark: () => undefined, lines: () => [] };
  const marks: { phase: string; at: number }[] = [];
  return {
    mark: (phase) => {
      marks.push({ phase, at: performance.now() });
    },
    lines: () => {
      let last = 0;
      return marks.map(({ phase, at }) => {
        const line = profileLine(at, last, phase);
        last = at;
        return line;
      });
    },
  };
}
