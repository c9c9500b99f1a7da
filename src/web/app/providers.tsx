import type { ReactNode } from 'react';
import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ApiError } from '../shared/api';
import '../shared/dates';

// networkMode 'always': the app talks to its own server, often on an intranet, so the
// browser's idea of being online (navigator.onLine, which headless and intranet
// browsers get wrong) must not hold a save back silently; a failed request shows
// its error instead. With the default ('online') a mutation paused without a word
// while the browser believed it was offline: the button spun and nothing was sent.
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      networkMode: 'always',
      refetchOnWindowFocus: false,
      staleTime: 30_000,
      // retry only what may pass on a second try (network, 5xx), never 4xx
      retry: (count, e) => count < 2 && (!(e instanceof ApiError) || e.status === 0 || e.status >= 500),
    },
    mutations: { retry: false, networkMode: 'always' },
  },
});

export const THEME = {
  token: {
    colorPrimary: '#c8102e',
    colorLink: '#c8102e',
    borderRadius: 6,
    fontFamily: "-apple-system, BlinkMacSystemFont, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Source Han Sans SC', 'Helvetica Neue', Arial, 'Noto Sans SC', sans-serif",
  },
};

export function Providers({ children }: { children: ReactNode }) {
  return (
    <ConfigProvider locale={zhCN} theme={THEME}>
      <AntApp>
        <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}
