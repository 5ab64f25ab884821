/**
 * One line per finding of a cluster check, in the table's language: the migration panel's summary and the
 * CLI's message when the check after a run's moves still finds problems.
 */
import type { CheckResult } from '../engine/model/check';
import type { CheckView } from './protocol';
import { formatRanges, toRanges } from './slotMap';
import type { StringKey } from './strings';

/** One localized line per check finding. */
export function checkView(check: CheckResult, t: (key: StringKey, ...args: (string | number)[]) => string): CheckView {
  const findings: string[] = [];
  for (const f of check.findings) {
    switch (f.code) {
      case 'config-disagree':
        findings.push(t('check.configDisagree'));
        break;
      case 'slots-migrating':
        findings.push(t('check.migrating', f.node.addr, formatRanges(toRanges(f.slots), 8).text));
        break;
      case 'slots-importing':
        findings.push(t('check.importing', f.node.addr, formatRanges(toRanges(f.slots), 8).text));
        break;
      case 'open-slots':
        findings.push(t('check.openSlots', formatRanges(toRanges(f.slots), 8).text));
        break;
      case 'slots-uncovered':
        findings.push(t('check.uncovered', f.count));
        break;
      case 'multiple-owners':
        findings.push(t('check.multipleOwners', f.slot, f.owners.map((o) => o.addr).join(', ')));
        break;
    }
  }
  return { ok: check.ok, findings };
}
