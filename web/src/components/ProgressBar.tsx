/**
 * A fixed-size bar whose fill moves by transform only, so progress updates never change
 * layout. `label` names it for assistive technology.
 */
export function ProgressBar(props: {
  value: number;
  label: string;
  valueText?: string;
  tone?: 'normal' | 'warning' | 'danger' | 'success';
  hidden?: boolean;
}) {
  const fraction = Math.min(1, Math.max(0, props.value));
  return (
    <div
      className={`bar bar-${props.tone ?? 'normal'}`}
      role="progressbar"
      aria-label={props.label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(fraction * 100)}
      aria-valuetext={props.valueText}
      aria-hidden={props.hidden || undefined}
      style={props.hidden ? { visibility: 'hidden' } : undefined}
    >
      <div className="bar-fill" style={{ transform: `scaleX(${fraction})` }} />
    </div>
  );
}
