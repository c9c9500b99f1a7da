import { registerWarningDetector } from './domains/warning';
import { developmentWarningDetector } from './domains/development';
import { duesWarningDetector } from './domains/dues';
import { orgWarningDetector } from './domains/org';
import { transferWarningDetector } from './domains/transfer';
import { meetingWarningDetector } from './domains/meeting';
import { indexWarningDetector } from './domains/branch-index';
import { mapWarningDetector } from './domains/map';
import { projectWarningDetector } from './domains/project';
import { mallWarningDetector } from './domains/mall';
import { volunteerWarningDetector } from './domains/volunteer';
import { needWarningDetector } from './domains/need';
import { clubWarningDetector } from './domains/club';

/** What the warning centre scans: each domain offers its detector (composition, like the index items). */
export function registerWarningDetectors() {
  for (const d of [developmentWarningDetector, duesWarningDetector, orgWarningDetector, transferWarningDetector, meetingWarningDetector, indexWarningDetector, mapWarningDetector, projectWarningDetector, mallWarningDetector, volunteerWarningDetector, needWarningDetector, clubWarningDetector]) registerWarningDetector(d);
}
