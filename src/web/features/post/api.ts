import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { Created } from '../../../contracts/common';
import type { CreatePostBody, FeedPost, ListModerationQuery, ModeratePostBody, ModerationPage, ModerationPost, MyPosts, PostFeed, PostStatus, PostView, ReportPostBody, ReportResult } from '../../../contracts/post';
import { api } from '../../shared/api';

// Short videos and posts (短视频与动态, src/server/domains/post/post.routes.ts)
// as TanStack Query hooks: the phone's feed, 我发布的, publish (text or video),
// withdraw and report; the console's moderation queue. Every change refreshes
// everything under ['post'].

export type { FeedPost, ModerationPage, ModerationPost, MyPosts, PostFeed, PostStatus, PostView };
export type ModerationFilters = Partial<Omit<ListModerationQuery, 'page' | 'pageSize'>> & { page: number; pageSize: number };

const MINE = '/api/v1/me/posts';
const BASE = '/api/v1/posts';

/** Where the video and the thumbnail of a post are played from (same-origin, the session cookie goes along). */
export const videoUrl = (id: string) => `${BASE}/${id}/video`;
export const thumbnailUrl = (id: string) => `${BASE}/${id}/thumbnail`;

export function usePostFeed() {
  return useQuery({ queryKey: ['post', 'feed'], queryFn: () => api.get<PostFeed>(`${BASE}/feed`) });
}
export function useMyPosts() {
  // a video being transcoded: look again every few seconds until it is done
  return useQuery({ queryKey: ['post', 'mine'], queryFn: () => api.get<MyPosts>(MINE), refetchInterval: (q) => (q.state.data?.items.some((p) => p.status === 'processing') ? 4000 : false) });
}
export function useModerationQueue(f: ModerationFilters) {
  return useQuery({ queryKey: ['post', 'moderation', f], queryFn: () => api.get<ModerationPage>(`${BASE}/moderation`, { ...f }), placeholderData: keepPreviousData });
}

function usePostMutation<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSettled: () => qc.invalidateQueries({ queryKey: ['post'] }) });
}

export const useCreatePost = () => usePostMutation((b: CreatePostBody) => api.post<z.infer<typeof Created>>(MINE, b));
export const useUploadVideo = () =>
  usePostMutation((v: { file: File; body: string; audienceOrgId: string }) => api.upload<z.infer<typeof Created>>(`${MINE}/video`, v.file, v.file.name, undefined, { body: v.body, audienceOrgId: v.audienceOrgId }));
export const useWithdrawPost = () => usePostMutation((id: string) => api.post<PostView>(`${MINE}/${id}/withdraw`, {}));
export const useReportPost = () => usePostMutation((v: { id: string; body: ReportPostBody }) => api.post<ReportResult>(`${BASE}/${v.id}/report`, v.body));
export const useModeratePost = () => usePostMutation((v: { id: string; body: ModeratePostBody }) => api.post<PostView>(`${BASE}/${v.id}/moderate`, v.body));

/** The tag colour of each status. */
export const POST_STATUS_COLORS: Record<PostStatus, string> = {
  processing: 'processing', pending_review: 'gold', published: 'success', rejected: 'error', hidden: 'warning', failed: 'error', withdrawn: 'default',
};

/** A duration as 0:42. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '';
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
