import type { z } from 'zod';
import type { TotpSetupView } from '../../../contracts/auth';
import { api } from '../../shared/api';

export const login = (username: string, password: string, totpCode?: string) => api.post('/api/v1/auth/login', { username, password, ...(totpCode ? { totpCode } : {}) });
export const setupTotp = () => api.post<z.infer<typeof TotpSetupView>>('/api/v1/me/totp/setup');
export const enableTotp = (code: string) => api.post('/api/v1/me/totp/enable', { code });
export const logout = () => api.post('/api/v1/auth/logout');
export const changePassword = (currentPassword: string, newPassword: string) => api.post('/api/v1/me/password', { currentPassword, newPassword });

/** Why the user is on the login page (shown as a notice). */
export const LOGIN_NOTICES: Record<string, { type: 'info' | 'warning' | 'success'; text: string }> = {
  expired: { type: 'warning', text: '登录已过期（长时间未操作或超过最长登录时间），请重新登录。' },
  logout: { type: 'success', text: '您已安全退出。' },
  password: { type: 'success', text: '密码已修改，所有设备上的登录均已失效，请用新密码登录。' },
};
