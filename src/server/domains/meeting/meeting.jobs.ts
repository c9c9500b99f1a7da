import type { Deps } from '../../deps';
import { remindMeetings } from './meeting.compliance';

// Once a day: branches reminded before a cadence period ends without its
// required meeting, committees told once a period has ended (reminder_log: once).

export function registerMeetingJobs(deps: Deps) {
  deps.jobs.register('meeting.reminders', async () => remindMeetings(deps));
}
