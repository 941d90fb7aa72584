import { useEffect, useRef, useState } from 'react';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { useAuth } from '../auth';

const LINKS = [
  ['/', 'Dashboard'],
  ['/experiments', 'Experiments'],
  ['/compare', 'Compare'],
  ['/batches', 'Sweeps'],
  ['/analytics', 'Analytics'],
  ['/datasets', 'Datasets'],
  ['/settings', 'API keys'],
] as const;

export function Layout() {
  const { user, signOut } = useAuth();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const location = useLocation();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  // After a client-side navigation, move focus to the new page so keyboard and screen-reader
  // users start at its content, as they would after a full page load.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus({ preventScroll: false });
  }, [location.pathname]);
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <NavLink to="/" className="brand">
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>{' '}
          LLM Quality Analyzer
        </NavLink>
        <button
          type="button"
          className="btn menu-toggle"
          aria-expanded={open}
          aria-controls="main-nav"
          onClick={() => setOpen((o) => !o)}
        >
          Menu
        </button>
        <nav id="main-nav" className={`nav ${open ? 'open' : ''}`} aria-label="Main">
          {LINKS.map(([to, text]) => (
            <NavLink key={to} to={to} end={to === '/'} onClick={() => setOpen(false)}>
              {text}
            </NavLink>
          ))}
        </nav>
        <div className="user">
          <span className="muted" title={user?.email}>
            {user?.username}
          </span>
          <button
            type="button"
            className="btn btn-ghost"
            onClick={() => {
              signOut();
              navigate('/login');
            }}
          >
            Log out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1} ref={main}>
        <Outlet />
      </main>
    </div>
  );
}
