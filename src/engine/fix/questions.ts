/** The questions fix asks through the confirm hook (redis-cli's words where it asks the same). */
import type { UncoveredGroup } from './events';

/**
 * The confirmation questions, exactly redis-cli's. For `none` the question
 * still says "random node" although we pick deterministically (fewest slots),
 * so that prompts match redis-cli word for word.
 */
export const COVERAGE_QUESTION: Record<UncoveredGroup, string> = {
  none: 'Fix these slots by covering with a random node?',
  single: 'Fix these slots by covering with those nodes?',
  multi: 'Fix these slots by moving keys into a single node?',
};

/** rcm's question before fixing an open slot (redis-cli asks none). */
export function openSlotQuestion(slot: number): string {
  return `Fix open slot ${slot} as shown above?`;
}

/** rcm's question before fixing a slot with several owners (redis-cli asks none). */
export function multipleOwnersQuestion(slot: number): string {
  return `Fix the owners of slot ${slot} as shown above?`;
}

export const ORPHANS_QUESTION = "Move them to each slot's owner where it lacks them, and drop those the owner holds an equal copy of?";

export const REPOINT_QUESTION = 'Re-point these open slots to the current masters?';
