/** `ui:options` of the Hostplane form fields that depend on a hub. */
export interface HubDependentUiOptions {
  /** The hub to use when the form has no `hub` field (or it is still empty). */
  hub?: string;
}

/** Where a field finds the hub: the form's `hub` field, else its own `ui:options.hub`. */
export interface HubSources {
  formData?: unknown;
  uiSchema?: { 'ui:options'?: unknown };
}

const nonEmpty = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/**
 * The hub the form has chosen. The scaffolder hands every field the whole form's data (all steps)
 * as `formContext.formData`, and every validator as `formData`, so a field can follow the `hub`
 * field wherever it is in the template.
 */
export function chosenHub({
  formData,
  uiSchema,
}: HubSources): string | undefined {
  const fromForm =
    typeof formData === 'object' && formData !== null
      ? nonEmpty((formData as Record<string, unknown>).hub)
      : undefined;
  const options = uiSchema?.['ui:options'];
  const fromOptions =
    typeof options === 'object' && options !== null
      ? nonEmpty((options as HubDependentUiOptions).hub)
      : undefined;
  return fromForm ?? fromOptions;
}
