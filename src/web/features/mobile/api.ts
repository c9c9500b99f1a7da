import { useQuery } from '@tanstack/react-query';
import type { MemberDetail } from '../../../contracts/member';
import { api } from '../../shared/api';

export function useMyProfile(enabled = true) {
  return useQuery({ queryKey: ['me', 'profile'], queryFn: () => api.get<MemberDetail>('/api/v1/me/profile'), enabled });
}
