import { useEffect, useRef, useState } from 'react';
import { Navigate, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { useAuth } from '../features/auth/auth-context';
import { QuotaBar } from '../features/quota/QuotaBar';
import { applyTheme, nextTheme, storedTheme, type ThemeChoice } from '../features/theme/theme';
import { isActiveStep, useUploads } from '../features/upload/upload-context';
import { Icon, type IconName } from './Icon';

const NAV: Array<{ to: string; label: string; icon: IconName; admin?: boolean }> = [
  { to: '/', label: 'Documents', icon: 'folder' },
  { to: '/topics', label: 'Topics', icon: 'tag' },
  { to: '/settings', label: 'Settings', icon: 'settings' },
  { to: '/security', label: 'Security', icon: 'shield' },
  { to: '/admin', label: 'Users', icon: 'users', admin: true },
];

/** The signed-in frame: sidebar (navigation, storage, account) and the page. */
export function AppShell() {
  const { me, signOut } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const firstRender = useRef(true);
  const [theme, setTheme] = useState<ThemeChoice>(storedTheme);
  const uploads = useUploads();
  const running = uploads.items.filter((i) => isActiveStep(i.step)).length;

  // On phones the tab row scrolls: keep the current page's tab in view.
  useEffect(() => {
    const link = document.querySelector<HTMLElement>('.nav-link.active');
    const row = link?.closest('ul');
    if (link && row && row.scrollWidth > row.clientWidth) {
      row.scrollLeft = Math.max(0, link.offsetLeft - (row.clientWidth - link.offsetWidth) / 2);
    }
  }, [location.pathname]);

  // After in-app navigation, move focus to the new page's heading, as a page load would.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    requestAnimationFrame(() => document.querySelector<HTMLElement>('.page-title')?.focus({ preventScroll: false }));
  }, [location.pathname]);

  // A temporary password set by an admin: nothing but choosing a new one.
  if (me?.must_change_password && location.pathname !== '/security') return <Navigate to="/security" replace />;

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="brand">
          <span className="brand-mark">
            <Icon name="vault" size={20} />
          </span>
          <span className="brand-name">DocuVault</span>
        </div>
        <nav className="nav" aria-label="Main">
          <ul>
            {NAV.filter((n) => !n.admin || me?.role === 'admin').map((n) => (
              <li key={n.to}>
                <NavLink to={n.to} end={n.to === '/'} className="nav-link">
                  <Icon name={n.icon} size={18} />
                  <span>{n.label}</span>
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="sidebar-bottom">
          {running > 0 && location.pathname !== '/' ? (
            <NavLink to="/" className="upload-indicator" aria-live="polite">
              <Icon name="upload" size={16} /> Uploading {running} {running === 1 ? 'file' : 'files'}…
            </NavLink>
          ) : null}
          <QuotaBar />
          <button
            type="button"
            className="button button-ghost button-small theme-toggle"
            title={`Switch to ${nextTheme(theme) === 'system' ? 'the system theme' : nextTheme(theme)}`}
            onClick={() => {
              const next = nextTheme(theme);
              applyTheme(next);
              setTheme(next);
            }}
          >
            Theme: {theme === 'system' ? 'Auto' : theme === 'dark' ? 'Dark' : 'Light'}
          </button>
          <div className="account">
            <span className="account-email" title={me?.email}>
              {me?.email}
            </span>
            <button
              type="button"
              className="icon-button"
              aria-label="Sign out"
              title="Sign out"
              onClick={async () => {
                await signOut();
                navigate('/signin', { replace: true });
              }}
            >
              <Icon name="logout" size={18} />
            </button>
          </div>
        </div>
      </aside>
      <main id="main" className="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
