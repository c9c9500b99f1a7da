import { registerReportSubject } from './platform/report-subjects';
import { memberReportSubject } from './domains/member';
import { duesReportSubject } from './domains/dues';
import { meetingReportSubject } from './domains/meeting';
import { transferReportSubject } from './domains/transfer';
import { developmentReportSubject } from './domains/development';
import { pointsReportSubject } from './domains/points';

/** What the report builder can count: each domain offers its subject (composition, like the dashboard tiles). */
export function registerReportSubjects() {
  for (const s of [memberReportSubject, developmentReportSubject, duesReportSubject, meetingReportSubject, transferReportSubject, pointsReportSubject]) registerReportSubject(s);
}
