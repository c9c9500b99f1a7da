import { registerReportSubject } from './platform/report-subjects';
import { memberReportSubject } from './domains/member';
import { duesReportSubject } from './domains/dues';
import { meetingReportSubject } from './domains/meeting';
import { transferReportSubject } from './domains/transfer';

/** What the report builder can count: each domain offers its subject (composition, like the dashboard tiles). */
export function registerReportSubjects() {
  for (const s of [memberReportSubject, duesReportSubject, meetingReportSubject, transferReportSubject]) registerReportSubject(s);
}
