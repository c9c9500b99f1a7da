import type { Deps } from '../../deps';
import { transcodePost } from './post.service';

// The job that transcodes an uploaded video and takes its thumbnail (queued by uploadVideo).
export function registerPostJobs(deps: Deps) {
  deps.jobs.register('post.transcode', async (job) => transcodePost(deps, String(job.payload.postId)));
}
