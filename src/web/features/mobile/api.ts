import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { MemberDetail } from '../../../contracts/member';
import type { MyDevelopment as MyDevelopmentSchema } from '../../../contracts/development';
import { ApiError, api } from '../../shared/api';

export type MyDevelopment = z.infer<typeof MyDevelopmentSchema>;

export function useMyProfile(enabled = true) {
  return useQuery({ queryKey: ['me', 'profile'], queryFn: () => api.get<MemberDetail>('/api/v1/me/profile'), enabled });
}

/** The profile answers 404 for an account whose person is not (yet) a Party member, e.g. an applicant. */
export function isNoProfile(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}

/** The signed-in person's development file (入党进度); `file` is null for members without one. */
export function useMyDevelopment(enabled = true) {
  return useQuery({ queryKey: ['me', 'development'], queryFn: () => api.get<MyDevelopment>('/api/v1/me/development'), enabled, staleTime: 60_000 });
}

/** Submits a 思想汇报 (title + PDF/image/DOCX); the server checks the content type. */
export function useSubmitReport() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ title, file }: { title: string; file: File }) => api.upload<{ id: string }>('/api/v1/me/development/reports', file, file.name, undefined, { title }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['me', 'development'] }),
  });
}
