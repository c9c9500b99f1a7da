import type { Deps } from '../../deps';
import { remindMeetings } from './meeting.compliance';
import { runTranscription } from './meeting.media';

// Once a day: branches reminded before a cadence period ends without its
// required meeting, committees told once a period has ended (reminder_log: once).

export function registerMeetingJobs(deps: Deps) {
  deps.jobs.register('meeting.reminders', async () => remindMeetings(deps));
  // a recording to text: progress on the job and on the transcript; a bad recording fails the transcript, not the meeting
  deps.jobs.register('meeting.transcribe', async (job) => runTranscription(deps, String(job.payload.transcriptId), job.progress));
}
