import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ScreenApp, startScreen } from './features/screen/ScreenApp';
import '@fontsource/noto-sans-sc/400.css';
import './app/global.css';

// The big screen's entry (screen.html): see features/screen/ScreenApp.
startScreen();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ScreenApp />
  </StrictMode>,
);
