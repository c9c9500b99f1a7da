// The posts domain's only door (短视频与动态, issue 17).
export { registerPostRoutes } from './post.routes';
export { registerPostJobs } from './post.jobs';
export { transcodePost } from './post.service';
export { transcodeVideo, durationFromLog } from './post.media';
