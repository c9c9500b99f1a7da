import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
// the last fallback of the font stack: a self-hosted CJK font for machines without one
// (kiosk screens, minimal Linux); only the unicode-range subsets a page uses are loaded
import '@fontsource/noto-sans-sc/400.css';
import './app/global.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
