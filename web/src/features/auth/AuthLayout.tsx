import { useEffect, type ReactNode } from 'react';
import { Icon } from '../../components/Icon';

export function AuthLayout(props: { title: string; subtitle?: ReactNode; children: ReactNode; footer?: ReactNode }) {
  useEffect(() => {
    document.title = `${props.title} · DocuVault`;
  }, [props.title]);
  return (
    <div className="auth-page">
      <main className="auth-card">
        <div className="brand brand-centered">
          <span className="brand-mark">
            <Icon name="vault" size={22} />
          </span>
          <span className="brand-name">DocuVault</span>
        </div>
        <h1 className="auth-title">{props.title}</h1>
        {props.subtitle ? <p className="auth-subtitle">{props.subtitle}</p> : null}
        {props.children}
      </main>
      {props.footer ? <p className="auth-footer">{props.footer}</p> : null}
    </div>
  );
}
