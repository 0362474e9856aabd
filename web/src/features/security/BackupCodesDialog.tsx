import { useState } from 'react';
import { Dialog } from '../../components/Dialog';
import { Icon } from '../../components/Icon';

/** The backup codes, shown this once: copy, download, then confirm they are saved. */
export function BackupCodesDialog(props: { codes: string[]; onClose: () => void }) {
  const [copied, setCopied] = useState(false);
  const text = props.codes.join('\n');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Older or locked-down browsers: select the list so Ctrl+C works.
      const list = document.getElementById('backup-codes');
      if (list) window.getSelection()?.selectAllChildren(list);
      document.execCommand('copy');
    }
    setCopied(true);
  };
  const download = () => {
    const blob = new Blob([`DocuVault backup codes\nEach code works once.\n\n${text}\n`], { type: 'text/plain' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = 'docuvault-backup-codes.txt';
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  return (
    <Dialog
      title="Save your backup codes"
      size="medium"
      description="If you lose your phone, each of these codes signs you in once. They are shown only now: keep them somewhere safe."
      onClose={props.onClose}
      initialFocus="[data-autofocus]"
    >
      <ol id="backup-codes" className="backup-codes" aria-label="Backup codes">
        {props.codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ol>
      <div className="dialog-actions dialog-actions-split">
        <div className="button-row">
          <button type="button" className="button button-secondary" onClick={copy} data-autofocus>
            <Icon name={copied ? 'check' : 'copy'} size={16} /> {copied ? 'Copied' : 'Copy codes'}
          </button>
          <button type="button" className="button button-secondary" onClick={download}>
            <Icon name="download" size={16} /> Download
          </button>
        </div>
        <button type="button" className="button button-primary" onClick={props.onClose}>
          I have saved them
        </button>
      </div>
      <p className="visually-hidden" aria-live="polite">
        {copied ? 'Backup codes copied to the clipboard.' : ''}
      </p>
    </Dialog>
  );
}
