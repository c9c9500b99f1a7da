import { createRoot } from 'react-dom/client';

createRoot(document.getElementById('root')!).render(<div>智慧党建云平台</div>);
