import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { RegisterIncomingLetterBody } from '../../../contracts/transfer';
import type { Created } from '../../../contracts/common';
import { api } from '../../shared/api';

/** 登记外来介绍信: the member and the accepted letter in one request (the member form's 转入 with a letter). */
export function useRegisterIncomingLetter() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (b: z.input<typeof RegisterIncomingLetterBody>) => api.post<z.infer<typeof Created>>('/api/v1/transfers/incoming', b),
    onSuccess: () => Promise.all([qc.invalidateQueries({ queryKey: ['transfers'] }), qc.invalidateQueries({ queryKey: ['members'] })]),
  });
}
