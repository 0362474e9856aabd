import { useEffect, type ReactNode } from 'react';

/** The page's one h1 (focus target after navigation) and the document title. */
export function PageHeader(props: { title: string; subtitle?: ReactNode; actions?: ReactNode }) {
  useEffect(() => {
    document.title = `${props.title} · DocuVault`;
  }, [props.title]);
  return (
    <header className="page-header">
      <div className="page-heading">
        <h1 tabIndex={-1} className="page-title">
          {props.title}
        </h1>
        {props.subtitle ? <p className="page-subtitle">{props.subtitle}</p> : null}
      </div>
      {props.actions ? <div className="page-actions">{props.actions}</div> : null}
    </header>
  );
}
