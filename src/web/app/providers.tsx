import type { ReactNode } from 'react';
import { App as AntApp, ConfigProvider, type ThemeConfig } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import { QueryClientProvider } from '@tanstack/react-query';
import { queryClient } from '../shared/query-client';
import '../shared/dates';

export { queryClient };

// A focused field is outlined in a calm blue, not the Party red of the buttons:
// a red border reads as a validation error (users stopped typing to look for one).
const FOCUS = '#3b6fb6';
const FOCUS_HOVER = '#6f93c9';
const FIELD = { activeBorderColor: FOCUS, hoverBorderColor: FOCUS_HOVER, activeShadow: '0 0 0 2px rgba(59, 111, 182, 0.15)' };
const CHOICE = { activeBorderColor: FOCUS, hoverBorderColor: FOCUS_HOVER, activeOutlineColor: 'rgba(59, 111, 182, 0.15)' };

export const THEME: ThemeConfig = {
  token: {
    colorPrimary: '#c8102e',
    colorLink: '#c8102e',
    borderRadius: 6,
    fontFamily: "-apple-system, BlinkMacSystemFont, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Source Han Sans SC', 'Helvetica Neue', Arial, 'Noto Sans SC', sans-serif",
  },
  components: { Input: FIELD, InputNumber: FIELD, DatePicker: FIELD, Mentions: FIELD, Select: CHOICE },
};

// People who asked their system for less motion (prefers-reduced-motion) get dialogs,
// drawers and messages without the zoom and slide animations.
const REDUCED_MOTION = typeof window !== 'undefined' && typeof window.matchMedia === 'function' && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
const THEME_IN_USE: ThemeConfig = REDUCED_MOTION ? { ...THEME, token: { ...THEME.token, motion: false } } : THEME;

export function Providers({ children }: { children: ReactNode }) {
  return (
    <ConfigProvider locale={zhCN} theme={THEME_IN_USE}>
      <AntApp>
        <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}
