import { label } from '../lib/format';

/** A parameter with a slider and a number box kept in step, labelled, with its error. */
export function ParamSlider({
  name,
  value,
  min,
  max,
  step,
  error,
  onChange,
}: {
  name: string;
  value: number;
  min: number;
  max: number;
  step: number;
  error?: string;
  onChange: (value: number) => void;
}) {
  const id = `param-${name}`;
  return (
    <div className="param">
      <label htmlFor={id}>
        {label(name)}{' '}
        <span className="muted">
          ({min} – {max})
        </span>
      </label>
      <div className="param-inputs">
        <input
          id={id}
          type="range"
          min={min}
          max={max}
          step={step}
          value={value}
          onChange={(e) => onChange(Number(e.target.value))}
        />
        <input
          type="number"
          aria-label={`${label(name)} value`}
          min={min}
          max={max}
          step={step}
          value={Number.isNaN(value) ? '' : value}
          aria-invalid={Boolean(error)}
          onChange={(e) => onChange(e.target.value === '' ? Number.NaN : Number(e.target.value))}
        />
      </div>
      {error ? <span className="field-error">{error}</span> : null}
    </div>
  );
}
