import type { Deps } from '../../deps';
import type { WarningModule } from '../../../contracts/warning';
import type { WorkbenchLevel } from '../../../contracts/workbench';

// The warning centre's detectors (issue 15). Each module offers a detector that
// lists, over the whole installation, the conditions it warns about today;
// they are registered at start-up (src/server/warning-detectors.ts) like the
// index items, and the scan job (warning.service.ts) turns their answers into
// warning rows: new ones opened, present ones kept current, missing ones cleared.

/** One condition a detector finds on one subject. */
export interface DetectedWarning {
  /** the kind within the module (a key of the detector's `kinds`) */
  kind: string;
  /** what the condition is about, stable across scans (a file, a person, an org and period) */
  subject: string;
  orgId: string;
  personId?: string | null;
  /** who or what (a person's or an org's name) */
  title: string;
  /** what is wrong or due, in one line of Chinese */
  detail: string;
  level: WorkbenchLevel;
  /** the rule the warning rests on */
  source: string | null;
  /** the console page that deals with it */
  link: string;
  dueOn: string | null;
  /** the day the triggering fact arose, where the detector knows it (null: the scan's time) */
  factOn: string | null;
}

export interface WarningDetector {
  module: WarningModule;
  /** kind → Chinese label */
  kinds: Record<string, string>;
  /** every condition of the module on the business day `today`, unscoped (the list scopes its reads) */
  detect(deps: Deps, today: string): Promise<DetectedWarning[]>;
}

const detectors = new Map<WarningModule, WarningDetector>();

/** Adds (or, for the same module, replaces: apps built again in one process) a detector. */
export function registerWarningDetector(d: WarningDetector): void {
  detectors.set(d.module, d);
}

export function warningDetectors(): WarningDetector[] {
  return [...detectors.values()];
}

/** The Chinese label of a kind (the kind itself when no detector names it). */
export function kindLabel(module: WarningModule, kind: string): string {
  return detectors.get(module)?.kinds[kind] ?? kind;
}
