import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles/base.css';
import './styles/layout.css';
import './styles/controls.css';
import './styles/surfaces.css';
import './styles/overlays.css';
import './styles/documents.css';
import './styles/pages.css';
import './styles/shares.css';
import './styles/document-page.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
