import { useQueryClient } from '@tanstack/react-query';
import { App } from 'antd';
import { useNavigate } from 'react-router';
import { errorMessage } from '../../shared/api';
import { logout } from './api';

export function useLogout() {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const { message } = App.useApp();
  return async () => {
    try {
      await logout();
    } catch (e) {
      message.error(`退出时出错：${errorMessage(e)}`);
    }
    navigate('/login?reason=logout', { replace: true });
    qc.clear();
  };
}
