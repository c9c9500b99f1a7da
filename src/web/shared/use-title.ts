import { useEffect } from 'react';

const APP = '智慧党建云平台';

export function usePageTitle(title: string | null | undefined) {
  useEffect(() => {
    document.title = title ? `${title} - ${APP}` : APP;
  }, [title]);
}
