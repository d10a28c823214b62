import Button, { ButtonProps } from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';

/** A button that, when it may not be used, is disabled and says why in a tooltip. */
export function GuardedButton({
  blockedReason,
  disabled,
  ...props
}: ButtonProps & { blockedReason?: string }) {
  const button = <Button {...props} disabled={disabled || !!blockedReason} />;
  if (!blockedReason) return button;
  // A disabled button fires no events: the span carries the tooltip.
  return (
    <Tooltip title={blockedReason}>
      <span>{button}</span>
    </Tooltip>
  );
}
